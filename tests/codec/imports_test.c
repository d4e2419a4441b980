/*
 * Types imported from another schema file (tests/codec/imports/: drawing.capnp imports
 * shapes.capnp, which imports geometry.capnp): each file generated once, each header including
 * its imports' headers, the types named with their own file's prefix. Messages from
 * `capnp encode --flat` are read field by field and rebuilt byte for byte.
 *
 * usage: imports_test <capnp> <drawing.capnp>
 */
#include <string.h>

#include "capnp_tool.h"
#include "drawing.capnp.h"

#define CAP 256

static void copy_point(geometry_Point_reader_t r, geometry_Point_builder_t b)
{
    geometry_Point_set_x(b, geometry_Point_get_x(r));
    geometry_Point_set_y(b, geometry_Point_get_y(r));
}

static void copy_label(shapes_Shape_Label_reader_t r, shapes_Shape_Label_builder_t b)
{
    if (shapes_Shape_Label_has_at(r))
        copy_point(shapes_Shape_Label_get_at(r), shapes_Shape_Label_init_at(b));
    if (shapes_Shape_Label_has_text(r)) {
        sb_codec_text_t t = shapes_Shape_Label_get_text(r);
        shapes_Shape_Label_set_text(b, t.str, t.len);
    }
}

static void copy_shape(shapes_Shape_reader_t r, shapes_Shape_builder_t b)
{
    shapes_Shape_set_color(b, shapes_Shape_get_color(r));
    if (shapes_Shape_has_center(r))
        copy_point(shapes_Shape_get_center(r), shapes_Shape_init_center(b));
    if (shapes_Shape_has_corners(r)) {
        sb_codec_list_t l = shapes_Shape_get_corners(r);
        sb_codec_list_builder_t lb = shapes_Shape_init_corners(b, l.count);
        for (uint32_t i = 0; i < l.count; i++)
            copy_point(geometry_Point_list_get(l, i), geometry_Point_list_at(lb, i));
    }
    if (shapes_Shape_has_label(r))
        copy_label(shapes_Shape_get_label(r), shapes_Shape_init_label(b));
}

static void copy_drawing(drawing_Drawing_reader_t r, drawing_Drawing_builder_t b)
{
    drawing_Drawing_set_background(b, drawing_Drawing_get_background(r));
    if (drawing_Drawing_has_shapes(r)) {
        sb_codec_list_t l = drawing_Drawing_get_shapes(r);
        sb_codec_list_builder_t lb = drawing_Drawing_init_shapes(b, l.count);
        for (uint32_t i = 0; i < l.count; i++)
            copy_shape(shapes_Shape_list_get(l, i), shapes_Shape_list_at(lb, i));
    }
    if (drawing_Drawing_has_title(r))
        copy_label(drawing_Drawing_get_title(r), drawing_Drawing_init_title(b));
}

static const char *const values[] = {
    "()",
    "(background = green)",
    "(shapes = [(center = (x = -5, y = 7), corners = [(x = 1, y = 2), (x = 3, y = 4)], "
    "label = (at = (x = 9), text = \"seL4\")), (color = red)], background = blue, "
    "title = (text = \"imports\", at = (x = -2147483648, y = 2147483647)))",
    "(shapes = [(), (corners = []), (label = ())])",
};

int main(int argc, char **argv)
{
    uint64_t ref[CAP], ours[CAP];
    unsigned exact = 0, i;
    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: imports_test <capnp> <drawing.capnp>\n");
        return 2;
    }
    CHECK(geometry_origin == -1, "geometry.origin");
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        long n = tool_encode(argv[2], "Drawing", values[i], ref, CAP);
        sb_codec_reader_t in;
        sb_codec_builder_t out;
        drawing_Drawing_reader_t r;
        size_t m = 0;
        CHECK(n > 0, "%s: capnp encode failed", values[i]);
        if (n <= 0)
            continue;
        sb_codec_reader_init(&in, ref, (size_t)n);
        CHECK(drawing_Drawing_read_root(&in, &r) == SB_CODEC_OK, "%s: root", values[i]);
        sb_codec_builder_init(&out, ours, CAP);
        copy_drawing(r, drawing_Drawing_init_root(&out));
        CHECK(sb_codec_reader_status(&in) == SB_CODEC_OK, "%s: read", values[i]);
        CHECK(sb_codec_builder_finish(&out, &m) == SB_CODEC_OK, "%s: builder", values[i]);
        if (m == (size_t)n && memcmp(ours, ref, m * 8) == 0)
            exact++;
        else
            tool_dump_diff(ref, (size_t)n, ours, m);
        CHECK(m == (size_t)n && memcmp(ours, ref, m * 8) == 0, "%s: words differ", values[i]);
    }
    /* Field by field, on the third value. */
    {
        long n = tool_encode(argv[2], "Drawing", values[2], ref, CAP);
        sb_codec_reader_t in;
        drawing_Drawing_reader_t r;
        sb_codec_list_t shapes;
        shapes_Shape_reader_t s0, s1;
        sb_codec_text_t t;
        sb_codec_reader_init(&in, ref, n > 0 ? (size_t)n : 0);
        CHECK(drawing_Drawing_read_root(&in, &r) == SB_CODEC_OK, "root");
        shapes = drawing_Drawing_get_shapes(r);
        CHECK(shapes.count == 2, "shapes");
        s0 = shapes_Shape_list_get(shapes, 0);
        s1 = shapes_Shape_list_get(shapes, 1);
        CHECK(geometry_Point_get_x(shapes_Shape_get_center(s0)) == -5, "center.x");
        CHECK(geometry_Point_get_y(shapes_Shape_get_center(s0)) == 7, "center.y");
        CHECK(shapes_Shape_get_color(s0) == geometry_Color_blue, "default color");
        CHECK(shapes_Shape_get_color(s1) == geometry_Color_red, "color");
        CHECK(geometry_Point_get_y(geometry_Point_list_get(shapes_Shape_get_corners(s0), 1)) == 4,
              "corners[1].y");
        t = shapes_Shape_Label_get_text(shapes_Shape_get_label(s0));
        CHECK(t.len == 4 && memcmp(t.str, "seL4", 4) == 0, "label.text");
        CHECK(drawing_Drawing_get_background(r) == geometry_Color_blue, "background");
        CHECK(geometry_Point_get_x(shapes_Shape_Label_get_at(drawing_Drawing_get_title(r))) ==
                  INT32_MIN, "title.at.x");
        CHECK(sb_codec_reader_status(&in) == SB_CODEC_OK, "status");
    }
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("imports: %u of %u messages rebuilt byte for byte, fields of one read back\n", exact,
           (unsigned)(sizeof values / sizeof values[0]));
    return 0;
}
