// Random values of every struct of a schema file, in Cap'n Proto's text format, for the codec's
// schema checks (tests/codec/schema_check.c encodes each with `capnp encode --flat`, reads it with
// the generated accessors and rebuilds it). Host-only; uses the reference C++ library's dynamic API
// to walk the schema, so that a file nobody wrote a value model for gets every field kind filled.
//
// usage: random_values <schema.capnp> <import dir> <values per struct> <seed>
// prints: <struct name within the file> TAB <value>, one line per value.
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema-parser.h>
#include <kj/string.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

uint64_t rng = 0x9e3779b97f4a7c15ull;
uint64_t rnd()
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
uint64_t below(uint64_t n) { return rnd() % n; }

constexpr int kMaxDepth = 3;

// Printable text with escapes; no parentheses (capnp 0.9.2's text parser rejects a value that has
// one inside a string and also uses `inf`).
std::string rnd_text()
{
    static const char extra[] = "\"\\\n\t\x01\x7f";
    std::string s;
    for (uint64_t i = 0, n = below(12); i < n; i++) {
        char c = below(8) == 0 ? extra[below(sizeof extra - 1)] : static_cast<char>(' ' + below(95));
        s += (c == '(' || c == ')') ? '_' : c;
    }
    return s;
}

// Non-empty (the tool's parser rejects 0x"").
std::vector<kj::byte> rnd_data()
{
    std::vector<kj::byte> d(1 + below(8));
    for (auto &b : d) {
        b = static_cast<kj::byte>(rnd());
        if (b == '(' || b == ')')
            b ^= 0x80; // Data prints as a string: the same parser quirk as rnd_text's
    }
    return d;
}

// Floats that print exactly in decimal: small dyadic rationals, sometimes infinities; no NaN.
double rnd_double()
{
    switch (below(12)) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: return 0.0;
    default:
        return static_cast<double>(static_cast<int64_t>(rnd() >> 14) - (1ll << 49)) /
               static_cast<double>(1ull << below(16));
    }
}
float rnd_float()
{
    if (below(12) == 0)
        return below(2) ? INFINITY : -INFINITY;
    return static_cast<float>(static_cast<int32_t>(rnd() >> 44) - (1 << 19)) /
           static_cast<float>(1u << below(8));
}

void fill(capnp::DynamicStruct::Builder b, int depth);
void fill_list(capnp::DynamicList::Builder l, capnp::Type et, int depth);

// A primitive or Text/Data/enum value of type @t.
bool scalar(capnp::Type t, capnp::DynamicValue::Reader *out, std::string *text,
            std::vector<kj::byte> *data)
{
    using capnp::schema::Type;
    switch (t.which()) {
    case Type::BOOL: *out = below(2) == 1; return true;
    case Type::INT8: *out = static_cast<int8_t>(rnd()); return true;
    case Type::INT16: *out = static_cast<int16_t>(rnd()); return true;
    case Type::INT32: *out = static_cast<int32_t>(rnd()); return true;
    case Type::INT64: *out = static_cast<int64_t>(rnd()); return true;
    case Type::UINT8: *out = static_cast<uint8_t>(rnd()); return true;
    case Type::UINT16: *out = static_cast<uint16_t>(rnd()); return true;
    case Type::UINT32: *out = static_cast<uint32_t>(rnd()); return true;
    case Type::UINT64: *out = static_cast<uint64_t>(rnd()); return true;
    case Type::FLOAT32: *out = rnd_float(); return true;
    case Type::FLOAT64: *out = rnd_double(); return true;
    case Type::ENUM: {
        auto e = t.asEnum().getEnumerants();
        *out = capnp::DynamicEnum(e[below(e.size())]);
        return true;
    }
    case Type::TEXT:
        *text = rnd_text();
        *out = capnp::Text::Reader(text->c_str(), text->size());
        return true;
    case Type::DATA:
        *data = rnd_data();
        *out = capnp::Data::Reader(data->data(), data->size());
        return true;
    default: return false;
    }
}

void fill_field(capnp::DynamicStruct::Builder b, capnp::StructSchema::Field f, int depth)
{
    using capnp::schema::Type;
    if (f.getProto().isGroup()) {
        fill(b.init(f).as<capnp::DynamicStruct>(), depth);
        return;
    }
    capnp::Type t = f.getType();
    bool member = f.getProto().getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT;
    if (member)
        b.clear(f); // sets the discriminant, whatever follows
    capnp::DynamicValue::Reader v;
    std::string text;
    std::vector<kj::byte> data;
    if (scalar(t, &v, &text, &data)) {
        if ((t.isText() || t.isData()) && below(4) == 0)
            return; // null
        b.set(f, v);
        return;
    }
    switch (t.which()) {
    case Type::STRUCT:
        if (depth < kMaxDepth && below(3) != 0)
            fill(b.init(f).as<capnp::DynamicStruct>(), depth + 1);
        return;
    case Type::LIST:
        // A list of AnyPointer (a brand's List(T)) or of capabilities has no value in the text
        // format either (and the dynamic API cannot build or print one).
        if (below(4) != 0 && !t.asList().getElementType().isAnyPointer() &&
            !t.asList().getElementType().isInterface())
            fill_list(b.init(f, depth < kMaxDepth ? static_cast<uint>(below(4)) : 0)
                          .as<capnp::DynamicList>(),
                      t.asList().getElementType(), depth + 1);
        return;
    default: return; // Void; AnyPointer and interfaces stay null (the text format has no value)
    }
}

void fill(capnp::DynamicStruct::Builder b, int depth)
{
    auto s = b.getSchema();
    for (auto f : s.getNonUnionFields())
        fill_field(b, f, depth);
    // A union member: not a capability, which the text format cannot print even when null.
    std::vector<capnp::StructSchema::Field> u;
    for (auto f : s.getUnionFields())
        if (f.getProto().isGroup() || !f.getType().isInterface())
            u.push_back(f);
    if (!u.empty())
        fill_field(b, u[below(u.size())], depth);
}

void fill_list(capnp::DynamicList::Builder l, capnp::Type et, int depth)
{
    using capnp::schema::Type;
    for (uint i = 0; i < l.size(); i++) {
        capnp::DynamicValue::Reader v;
        std::string text;
        std::vector<kj::byte> data;
        if (et.isVoid())
            continue;
        if (scalar(et, &v, &text, &data)) {
            l.set(i, v);
        } else if (et.which() == Type::STRUCT) {
            fill(l[i].as<capnp::DynamicStruct>(), depth);
        } else if (et.which() == Type::LIST && !et.asList().getElementType().isAnyPointer() &&
                   !et.asList().getElementType().isInterface()) {
            fill_list(l.init(i, depth < kMaxDepth ? static_cast<uint>(below(3)) : 0)
                          .as<capnp::DynamicList>(),
                      et.asList().getElementType(), depth + 1);
        }
    }
}

void walk(capnp::ParsedSchema s, const std::string &path, unsigned n)
{
    for (auto nested : s.getAllNested()) {
        auto proto = nested.getProto();
        std::string name = path.empty() ? "" : path + ".";
        auto dn = proto.getDisplayName();
        name += std::string(dn.cStr() + proto.getDisplayNamePrefixLength());
        if (proto.isStruct() && !proto.getStruct().getIsGroup()) {
            for (unsigned i = 0; i < n; i++) {
                // A union member left as AnyPointer prints as "<opaque pointer>", which the text
                // parser cannot read back: draw again (a few times, then print it; the check
                // counts it as skipped).
                std::string text;
                for (int tries = 0; tries < 8; tries++) {
                    capnp::MallocMessageBuilder msg;
                    auto root = msg.initRoot<capnp::DynamicStruct>(nested.asStruct());
                    fill(root, 0);
                    text = kj::str(root.asReader()).cStr();
                    if (text.find("<opaque pointer>") == std::string::npos)
                        break;
                }
                std::printf("%s\t%s\n", name.c_str(), text.c_str());
            }
        }
        walk(nested, name, n);
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: random_values <schema.capnp> <import dir> <n> <seed>\n");
        return 2;
    }
    rng ^= std::strtoull(argv[4], nullptr, 0) * 0x2545f4914f6cdd1dull;
    capnp::SchemaParser parser;
    kj::StringPtr imports[] = {argv[2]};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    auto file = parser.parseDiskFile(argv[1], argv[1], imports);
#pragma GCC diagnostic pop
    walk(file, "", static_cast<unsigned>(std::strtoul(argv[3], nullptr, 0)));
    return 0;
}
