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

/* Tagged's tags: a list of lists of text, in a generic struct imported from geometry.capnp. */
static void copy_tags(sb_codec_list_t l, sb_codec_list_builder_t lb)
{
    for (uint32_t i = 0; i < l.count; i++) {
        if (sb_codec_any_is_null(sb_codec_list_get_any(l, i)))
            continue;
        sb_codec_list_t row = sb_codec_list_get_list(l, i, SB_CODEC_ELEM_POINTER);
        sb_codec_list_builder_t rb = sb_codec_list_init_list(lb, i, SB_CODEC_ELEM_POINTER, row.count);
        for (uint32_t j = 0; j < row.count; j++) {
            sb_codec_text_t t = sb_codec_list_get_text(row, j);
            if (!sb_codec_any_is_null(sb_codec_list_get_any(row, j)))
                sb_codec_list_set_text(rb, j, t.str, t.len);
        }
    }
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
    /* G.Tagged(Text), its brand generated here as drawing_Tagged_Text. */
    if (drawing_Drawing_has_tagged(r)) {
        drawing_Tagged_Text_reader_t t = drawing_Drawing_get_tagged(r);
        drawing_Tagged_Text_builder_t tb = drawing_Drawing_init_tagged(b);
        if (drawing_Tagged_Text_has_value(t)) {
            sb_codec_text_t v = drawing_Tagged_Text_get_value(t);
            drawing_Tagged_Text_set_value(tb, v.str, v.len);
        }
        if (drawing_Tagged_Text_has_tags(t)) {
            sb_codec_list_t l = drawing_Tagged_Text_get_tags(t);
            copy_tags(l, drawing_Tagged_Text_init_tags(tb, l.count));
        }
    }
    if (drawing_Drawing_has_taggedPoints(r)) {
        sb_codec_list_t l = drawing_Drawing_get_taggedPoints(r);
        sb_codec_list_builder_t lb = drawing_Drawing_init_taggedPoints(b, l.count);
        for (uint32_t i = 0; i < l.count; i++) {
            drawing_Tagged_geometry_Point_reader_t t = drawing_Tagged_geometry_Point_list_get(l, i);
            drawing_Tagged_geometry_Point_builder_t tb = drawing_Tagged_geometry_Point_list_at(lb, i);
            if (drawing_Tagged_geometry_Point_has_value(t))
                copy_point(drawing_Tagged_geometry_Point_get_value(t),
                           drawing_Tagged_geometry_Point_init_value(tb));
            if (drawing_Tagged_geometry_Point_has_tags(t)) {
                sb_codec_list_t tags = drawing_Tagged_geometry_Point_get_tags(t);
                copy_tags(tags, drawing_Tagged_geometry_Point_init_tags(tb, tags.count));
            }
        }
    }
}

/* @text encoded by capnp into @ref, read with @in: its root. */
static drawing_Drawing_reader_t read_value(const char *schema, const char *text, uint64_t *ref,
                                           sb_codec_reader_t *in)
{
    drawing_Drawing_reader_t r;
    long n = tool_encode(schema, "Drawing", text, ref, CAP);
    sb_codec_reader_init(in, ref, n > 0 ? (size_t)n : 0);
    CHECK(drawing_Drawing_read_root(in, &r) == SB_CODEC_OK, "root of %s", text);
    return r;
}

static const char *const values[] = {
    "()",
    "(background = green)",
    "(shapes = [(center = (x = -5, y = 7), corners = [(x = 1, y = 2), (x = 3, y = 4)], "
    "label = (at = (x = 9), text = \"seL4\")), (color = red)], background = blue, "
    "title = (text = \"imports\", at = (x = -2147483648, y = 2147483647)))",
    "(shapes = [(), (corners = []), (label = ())])",
    "(tagged = (value = \"seL4\", tags = [[\"a\", \"bc\"], [], [\"\"]]), "
    "taggedPoints = [(value = (x = 1, y = -1), tags = [[\"p\"]]), (tags = [])])",
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
        sb_codec_reader_t in;
        drawing_Drawing_reader_t r = read_value(argv[2], values[2], ref, &in);
        sb_codec_list_t shapes;
        shapes_Shape_reader_t s0, s1;
        sb_codec_text_t t;
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
    /* Field by field, the fifth: a list of lists of text in a generic struct of another file. */
    {
        sb_codec_reader_t in;
        drawing_Drawing_reader_t r = read_value(argv[2], values[4], ref, &in);
        sb_codec_list_t tags, row;
        sb_codec_text_t t;
        t = drawing_Tagged_Text_get_value(drawing_Drawing_get_tagged(r));
        CHECK(t.len == 4 && memcmp(t.str, "seL4", 4) == 0, "tagged.value");
        tags = drawing_Tagged_Text_get_tags(drawing_Drawing_get_tagged(r));
        row = sb_codec_list_get_list(tags, 0, SB_CODEC_ELEM_POINTER);
        t = sb_codec_list_get_text(row, 1);
        CHECK(tags.count == 3 && row.count == 2 && t.len == 2 && memcmp(t.str, "bc", 2) == 0,
              "tagged.tags[0][1]");
        CHECK(sb_codec_list_get_list(tags, 1, SB_CODEC_ELEM_POINTER).count == 0 &&
                  sb_codec_list_get_text(sb_codec_list_get_list(tags, 2, SB_CODEC_ELEM_POINTER), 0)
                          .len == 0, "tagged.tags[1], [2]");
        CHECK(geometry_Point_get_y(drawing_Tagged_geometry_Point_get_value(
                  drawing_Tagged_geometry_Point_list_get(drawing_Drawing_get_taggedPoints(r), 0))) ==
                  -1, "taggedPoints[0].value.y");
        /* The generic type, geometry's own, reads the same struct with T as AnyPointer. */
        {
            geometry_Tagged_reader_t g = {drawing_Drawing_get_tagged(r).s};
            t = sb_codec_any_as_text(geometry_Tagged_get_value(g));
            CHECK(t.len == 4 && memcmp(t.str, "seL4", 4) == 0, "tagged.value, generic");
        }
        CHECK(sb_codec_reader_status(&in) == SB_CODEC_OK, "status");
    }
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("imports: %u of %u messages rebuilt byte for byte, fields of two read back\n", exact,
           (unsigned)(sizeof values / sizeof values[0]));
    return 0;
}
