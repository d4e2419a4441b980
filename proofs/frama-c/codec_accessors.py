#!/usr/bin/python3
"""Write the WP harness of the generated read accessors: codec_accessors.py FILE... > harness.c

Every accessor the generator emits for reading (read_root, list_get, get_*) is a one-line call
of the reader, whose contracts are proved in codec_reader.c. The generated header carries no
ACSL (the generator is not the place for proofs), so this script gives each accessor the
contract of its kind, by a redeclaration that Frama-C merges with the definition, and WP proves
each accessor's body against it. The script reads the header as generated, so accessors that a
schema adds are proved without anyone writing their contracts. Functions of a shape it does not
know are listed on stderr as not covered.

A server skeleton file (<schema>.capnp.server.c) given too: each method's skeleton, which decodes
its params with those accessors before its handler runs, gets the contract that its params are a
struct of the message (sb_struct_ok, what sb_codec_read_root ensures for the dispatch's root),
and WP proves that every accessor call it makes meets the accessor's precondition.
"""
import re
import sys

files = sys.argv[1:]
fn = re.compile(r"static inline\s+([A-Za-z_][A-Za-z_0-9]*)\s+([A-Za-z_][A-Za-z_0-9]*)\(([^)]*)\)\s*\{",
                re.S)

RESULT_STRUCT = "ensures sb_struct_ok(\\result.s) && \\result.s.msg == {msg};"
RESULT_LIST = "ensures sb_list_ok(\\result) && \\result.msg == {msg};"
# Words each kind of getter reads at most (read.h's contracts): a primitive or a struct pointer
# one, a list pointer and its tag two, Data's pointer twice and its tag, Text's and its NUL.
READS = {"sb_codec_list_t": 2, "sb_codec_data_t": 3, "sb_codec_text_t": 4}

skeleton = re.compile(r"static sb_status_t (\w+_skeleton)\(sb_app_call_t \*call, "
                      r"sb_codec_struct_t params,\s*sb_codec_builder_t \*reply\)\s*\{")


def accessors(text):
    """Contracts of the read accessors defined in @text."""
    for ret, name, params in fn.findall(text):
        params = " ".join(params.split())
        spec = None
        m = re.fullmatch(r"sb_codec_reader_t \*msg, (\w+_reader_t) \*out", params)
        if m and name.endswith("_read_root"):
            spec = ["requires sb_reader_ok(msg) && \\valid(out) && \\separated(out, msg) &&",
                    "         \\separated(out, msg->words + (0 .. msg->nwords - 1));",
                    "assigns *out, msg->traversal_left, msg->status, sb_codec_word_reads;",
                    "ensures sb_struct_ok(out->s) && out->s.msg == msg;",
                    "ensures sb_reads_at_most{Old, Post}(1);"]
        elif params == "sb_codec_list_t l, uint32_t i" and ret.endswith("_reader_t"):
            spec = ["requires sb_list_ok(l);", "assigns \\nothing;",
                    RESULT_STRUCT.format(msg="l.msg")]
        elif re.fullmatch(r"\w+_reader_t r", params) and ret not in ("float", "double"):
            spec = ["requires sb_struct_ok(r.s);",
                    "assigns r.s.msg->traversal_left, r.s.msg->status, sb_codec_word_reads;",
                    "ensures sb_reads_at_most{Old, Post}(%d);" % READS.get(ret, 1)]
            if ret.endswith("_reader_t"):
                spec.append(RESULT_STRUCT.format(msg="r.s.msg"))
            elif ret == "sb_codec_list_t":
                spec.append(RESULT_LIST.format(msg="r.s.msg"))
        elif re.fullmatch(r"\w+_reader_t r", params):
            # A float: the integer getter's word, then its bits as a float (read.h's
            # sb_codec_bits_f32/f64, whose `assigns \nothing` is taken as given).
            spec = ["requires sb_struct_ok(r.s);",
                    "assigns r.s.msg->traversal_left, r.s.msg->status, sb_codec_word_reads;",
                    "ensures sb_reads_at_most{Old, Post}(1);"]
        elif "_builder_t" in params or ret.endswith("_builder_t"):
            continue  # the builder: not reading the client's words
        if spec is None:
            skipped.append(name)
            continue
        names.append(name)
        out.append("/*@ " + "\n    ".join(spec) + " */")
        out.append(f"static inline {ret} {name}({params});")
        out.append("")


out = [f'#include "{f}"' for f in files] + [""]
names, skipped = [], []
for f in files:
    text = open(f).read()
    for name in skeleton.findall(text):
        names.append(name)
        out.append("/*@ requires sb_struct_ok(params); */")
        out.append(f"static sb_status_t {name}(sb_app_call_t *call, sb_codec_struct_t params,")
        out.append("                             sb_codec_builder_t *reply);")
        out.append("")
    accessors(text)

out.append("/* functions: " + ",".join(names) + " */")
print("\n".join(out))
for name in skipped:
    print(f"not covered (unknown shape): {name}", file=sys.stderr)
if not names:
    sys.exit("no accessor found in " + " ".join(files))
