// capnpc-c: a `capnp compile` plugin that writes C accessors for sel4bridge's codec runtime.
// Usage: capnp compile -o<path>/capnpc-c:<outdir> schemas/bridge.capnp  -> <outdir>/bridge.capnp.h
//
// It reads the CodeGeneratorRequest on stdin and writes, for each requested file, one header of
// static inline getters and setters over codec/include/sel4bridge/codec/{read,build}.h. Names
// follow libsel4's generated bitfield accessors: <prefix>_<Type>_get_<field>, with the prefix
// taken from the schema file's name (bridge.capnp -> bridge_). A type of an imported file keeps
// that file's prefix and comes from that file's header (<file>.capnp.h), included by name. A
// generic struct's or interface's parameters are AnyPointer (sb_codec_any_t); a brand bound at
// generation time is also a concrete type (Box(Text) -> <prefix>_Box_Text). A struct or list
// field's default is a message of its own that the getter reads when the field is null. What the
// runtime cannot carry (methods with generic parameters of their own, capabilities outside a
// method's params, AnyPointer defaults) is refused for that declaration alone, with file,
// declaration and field named; a refusal is an error (nothing is written) unless
// CAPNPC_C_REFUSED=warning (or --refused=warning) makes it a warning.
//
// An `interface` is an application's service on the bridge (bridge/include/sel4bridge/app.h):
// per method, its label, a client stub <iface>_<method>() (encode in place, one seL4_Call, decode
// the reply in place), the prototype of the handler <iface>_<method>_impl() the application
// writes, and <iface>_<method>_reply() to answer a deferred call; the server skeleton (the
// sb_interface_t <iface>_interface and its methods' decoders) goes to <file>.server.c. For each
// method it prints the worst-case request and reply size in words and whether both fit the IPC
// fastpath; a method annotated $fastpath (schemas/sel4bridge.capnp) must, or nothing is written.

#include <capnp/schema-loader.h>
#include <capnp/schema.capnp.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <unistd.h>

#include <cctype>
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using capnp::schema::Node;
using capnp::schema::Type;
using capnp::schema::Value;

struct Refusal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr uint16_t kNoDiscriminant = 0xffff;

std::string S(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

// A declaration's name inside its file, e.g. "Outer.Inner" (display names start with the file).
std::string local_name(capnp::schema::Node::Reader n)
{
    std::string d = S(n.getDisplayName());
    return d.substr(n.getDisplayNamePrefixLength() > 0 ? d.find(':') + 1 : 0);
}

std::string hex(uint64_t v, const char *suffix)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64 "%s", v, suffix);
    return buf;
}

// A C string literal with every byte outside printable ASCII escaped (octal, 3 digits, so that a
// following digit cannot extend the escape).
std::string c_string(const void *p, size_t n)
{
    const auto *b = static_cast<const unsigned char *>(p);
    std::string s = "\"";
    for (size_t i = 0; i < n; i++) {
        char buf[8];
        if (b[i] == '"' || b[i] == '\\' || b[i] == '?') {
            s += '\\';
            s += static_cast<char>(b[i]);
        } else if (b[i] >= 0x20 && b[i] < 0x7f) {
            s += static_cast<char>(b[i]);
        } else {
            std::snprintf(buf, sizeof buf, "\\%03o", b[i]);
            s += buf;
        }
    }
    return s + "\"";
}

// How a primitive field is stored: the runtime accessor suffix, its width, the C type the
// generated accessor takes and gives, and the wire element size of a list of it.
struct Prim {
    const char *rt;    // u8/u16/u32/u64, or "bool"
    unsigned bits;     // 1, 8, 16, 32, 64 (0 for Void)
    std::string ctype; // C type of the value
    unsigned elem;     // sb_codec_elem_size of a list of it
    const char *elem_name;
};

// A schema doc comment as a C comment, each line indented by @indent; "" when there is none.
std::string c_comment(const std::string &doc, const std::string &indent = "")
{
    std::string text = doc;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    if (text.empty())
        return "";
    for (size_t at; (at = text.find("*/")) != std::string::npos;)
        text.replace(at, 2, "* /"); // a doc comment must not end the C comment
    for (size_t at; (at = text.find("/*")) != std::string::npos;)
        text.replace(at, 2, "/ *"); // nor open one inside it (gcc -Wcomment)
    std::string out = indent + "/*";
    size_t start = 0;
    bool one_line = text.find('\n') == std::string::npos && indent.size() + text.size() < 94;
    if (one_line)
        return out + " " + text + " */\n";
    out += "\n";
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos
                                                                        : end - start);
        out += indent + (line.empty() ? " *" : " * " + line) + "\n";
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out + indent + " */\n";
}

using Docs = std::map<uint64_t, capnp::schema::Node::SourceInfo::Reader>;

std::string base_name(const std::string &path);
std::string prefix_of(const std::string &path);
class Generator;

// Every file's generator, made on first use: a requested file's and each file it imports, whose
// names, prefix and refusals a reference to one of its types needs.
class Files {
public:
    Files(capnp::SchemaLoader &loader, const Docs &docs) : loader_(loader), docs_(docs) {}
    Generator &get(uint64_t file_id);

private:
    capnp::SchemaLoader &loader_;
    const Docs &docs_;
    std::map<uint64_t, std::unique_ptr<Generator>> gens_;
};

class Generator {
public:
    Generator(capnp::SchemaLoader &loader, const Docs &docs, Files &files, uint64_t file_id)
        : loader_(loader), docs_(docs), files_(files), file_id_(file_id),
          file_(S(loader.get(file_id).getProto().getDisplayName())), prefix_(prefix_of(file_))
    {
    }

    const std::string &file() const { return file_; }
    const std::string &header() const { return header_; }

    // Walk one file's declarations in source order and produce the header text. A declaration
    // that cannot be carried is refused alone (refusals() says which and why); one that uses a
    // refused type is refused in turn, so the walk repeats until no new refusal appears.
    void run()
    {
        uint64_t file_id = file_id_;
        running_ = true;
        name(loader_.get(file_id).getProto(), "");
        for (;;) {
            size_t before = refused_.size();
            for (auto *s : {&enums_, &consts_, &types_, &funcs_, &stubs_, &server_, &sizes_,
                            &copy_protos_, &copy_})
                s->str("");
            copy_roots_.clear();
            generated_.clear();
            instance_names_.clear();
            idents_.clear();
            pending_.clear();
            imports_.clear();
            collect(loader_.get(file_id).getProto());
            if (refused_.size() == before)
                break;
        }
        running_ = false;
        std::ostringstream o;
        o << "/*\n * Generated by tools/capnpc-c from " << file_ << ". Do not edit:\n"
          << " * change the schema and regenerate (see README.md, \"Wire contract\").\n"
          << " * Accessors over <sel4bridge/codec.h>.\n";
        if (!refusal_order_.empty()) {
            o << " * Refused (not generated):\n";
            for (uint64_t id : refusal_order_)
                o << " *   " << comment_safe(refused_[id]) << "\n";
        }
        o << " */\n#pragma once\n\n#include <sel4bridge/codec.h>\n";
        // Each imported file whose types are used, by the name its own generation gives it.
        for (auto &i : imports_)
            o << "#include \"" << i.first << "\" /* generated from " << i.second << " */\n";
        o << "\n";
        if (!server_.str().empty()) {
            // Applications: the stubs and handlers need the bridge, not only the codec.
            std::string h = o.str();
            h.replace(h.find("#include <sel4bridge/codec.h>"), 29, "#include <sel4bridge/app.h>");
            o.str("");
            o << h;
        }
        o << enums_.str() << consts_.str() << types_.str() << funcs_.str() << stubs_.str();
        header_ = o.str();
    }

    // Each refused declaration's message ("<file>:<Decl>.<field>: <construct>"), in the order
    // found.
    std::vector<std::string> refusals()
    {
        std::vector<std::string> r;
        for (uint64_t id : refusal_order_)
            r.push_back(refused_[id]);
        return r;
    }

    // The server skeleton: empty when the file declares no interface.
    std::string server(const std::string &header)
    {
        if (server_.str().empty())
            return "";
        std::ostringstream o;
        o << "/*\n * Generated by tools/capnpc-c from " << file_ << ". Do not edit.\n"
          << " * The server skeleton: each method's checks, in-place decoding of its params, the\n"
          << " * call of its handler (<iface>_<method>_impl, written by the application) and\n"
          << " * in-place encoding of its results. Link it into the server only.\n */\n"
          << "#include \"" << header << "\"\n\n" << server_.str();
        return o.str();
    }

    // "N declarations generated (S structs, E enums, I interfaces, C constants), R refused".
    std::string summary() const
    {
        static const char *const kinds[] = {"struct", "enum", "interface", "constant"};
        unsigned total = 0;
        std::string parts;
        for (const char *k : kinds) {
            auto it = generated_.find(k);
            unsigned n = it == generated_.end() ? 0 : it->second;
            total += n;
            parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + k + (n == 1 ? "" : "s");
        }
        auto a = generated_.find("annotation");
        return std::to_string(total) + " declarations generated (" + parts + "), " +
               std::to_string(refusal_order_.size()) + " refused, " +
               std::to_string(a == generated_.end() ? 0 : a->second) + " annotations (no code)";
    }

    // Per method: "<Iface>.<method>: request N words, reply M words[, fastpath]".
    std::string sizes() const { return sizes_.str(); }

private:
    capnp::SchemaLoader &loader_;
    const Docs &docs_;
    Files &files_;
    uint64_t file_id_;
    std::string file_, prefix_;
    std::string header_;
    bool running_ = false;
    std::map<std::string, std::string> imports_; // header included -> the schema it is from
    std::map<std::string, unsigned> generated_;  // declarations generated, by kind

    // The doc comment of a node, or of its @member-th field/enumerant.
    std::string doc(uint64_t id, int member = -1)
    {
        auto it = docs_.find(id);
        if (it == docs_.end())
            return "";
        if (member < 0)
            return S(it->second.getDocComment());
        auto members = it->second.getMembers();
        if (static_cast<unsigned>(member) >= members.size())
            return "";
        return S(members[member].getDocComment());
    }
    std::map<uint64_t, std::string> names_; // node id -> C name (without prefix_)
    std::ostringstream enums_, consts_, types_, funcs_, stubs_, server_, sizes_;

    // C name of a node, e.g. "bridge_OpenSessionReply".
    std::string cname(uint64_t id)
    {
        auto it = names_.find(id);
        if (it == names_.end())
            return imported_cname(id);
        auto r = refused_.find(id);
        if (r != refused_.end())
            throw Refusal(where_ + ": uses " + local_name(node(id)) + ", which is refused");
        return prefix_ + it->second;
    }

    // A type of another file: named with that file's prefix, from that file's header, which its
    // own generation (capnp compile of that file) writes; refused if that file refuses it.
    std::string imported_cname(uint64_t id)
    {
        uint64_t f = id;
        while (f != 0 && !node(f).isFile())
            f = node(f).getScopeId();
        if (f == 0)
            throw Refusal(where_ + ": type " + S(node(id).getDisplayName()) + " has no file");
        Generator &g = files_.get(f);
        auto it = g.names_.find(id);
        if (it == g.names_.end())
            throw Refusal(where_ + ": type " + S(node(id).getDisplayName()) +
                          " is not a declaration of its file");
        if (g.running_)
            throw Refusal(where_ + ": " + g.file_ + " imports this file back (cyclic imports "
                          "are not supported)");
        if (g.refused_.count(id))
            throw Refusal(where_ + ": uses " + S(node(id).getDisplayName()) +
                          ", which is refused (" + g.refused_[id] + ")");
        if (g.prefix_ == prefix_)
            throw Refusal(where_ + ": " + g.file_ + " has the same prefix " + prefix_ +
                          " as this file (rename one)");
        imports_[base_name(g.file_) + ".h"] = g.file_;
        return g.prefix_ + it->second;
    }

    // Refused declarations: id -> message, and the order they were first refused in.
    std::map<uint64_t, std::string> refused_;
    std::vector<uint64_t> refusal_order_;
    std::string where_; // the declaration (and field) being generated, for refusal messages

    // C identifiers the header declares, so that a schema name cannot make a second one: a name
    // that would collide (a field `root` of a struct beside its <S>_init_root, an enumerant `t`
    // beside the enum's <E>_t typedef) gets a trailing underscore, said in a comment.
    std::map<std::string, bool> idents_;
    void claim(const std::string &id) { idents_[id] = true; }
    // @base, or @base with underscores appended until no identifier of the header has it.
    std::string free_name(std::string base)
    {
        while (idents_.count(base))
            base += "_";
        claim(base);
        return base;
    }

    // The name a field's accessors use: a struct's own <S>_init_root would collide with the
    // init_ accessor of a pointer or group field named `root`, so that field's are root_.
    static std::string accessor_name(capnp::schema::Field::Reader f)
    {
        std::string n = S(f.getName());
        bool has_init = f.isGroup() || f.getSlot().getType().isStruct() ||
                        f.getSlot().getType().isList();
        return n == "root" && has_init ? n + "_" : n;
    }

    static std::string comment_safe(std::string t)
    {
        for (size_t at; (at = t.find("*/")) != std::string::npos;)
            t.replace(at, 2, "* /");
        for (size_t at; (at = t.find("/*")) != std::string::npos;)
            t.replace(at, 2, "/ *");
        return t;
    }

    Node::Reader node(uint64_t id) { return loader_.get(id).getProto(); }
    bool loaded(uint64_t id) { return loader_.tryGet(id) != nullptr; }

    // Name every declaration first, so that a field may use a type declared after it.
    void name(Node::Reader n, const std::string &path)
    {
        for (auto nn : n.getNestedNodes()) {
            if (!loaded(nn.getId()))
                continue; // of an imported file, capnp loads only the declarations used
            std::string p = path.empty() ? S(nn.getName())
                                         : path + "_" + S(nn.getName());
            names_[nn.getId()] = p;
            Node::Reader c = node(nn.getId());
            if (c.isInterface()) {
                // A method's implicit param and result structs are nobody's nested nodes.
                for (auto m : c.getInterface().getMethods()) {
                    std::string mp = p + "_" + S(m.getName());
                    cap_structs_[m.getParamStructType()] = true;
                    if (node(m.getParamStructType()).getScopeId() == 0)
                        names_[m.getParamStructType()] = mp + "_Params";
                    if (node(m.getResultStructType()).getScopeId() == 0)
                        names_[m.getResultStructType()] = mp + "_Results";
                }
            }
            name(c, p);
        }
    }

    void collect(Node::Reader n)
    {
        for (auto nn : n.getNestedNodes()) {
            if (!loaded(nn.getId()))
                continue;
            Node::Reader c = node(nn.getId());
            std::string p = names_[nn.getId()];
            if (c.which() == Node::ANNOTATION)
                generated_["annotation"]++; // nothing to generate: it travels in no message
            else if (!refused_.count(nn.getId()))
                emit_declaration(c, p);
            collect(c);
        }
    }

    // Emit one declaration, or refuse it alone: what it wrote so far is taken back.
    void emit_declaration(Node::Reader c, const std::string &p)
    {
        std::ostringstream *streams[] = {&enums_, &consts_, &types_, &funcs_, &stubs_,
                                         &server_, &sizes_, &copy_protos_, &copy_};
        size_t roots = copy_roots_.size();
        std::vector<std::string> saved;
        for (auto *s : streams)
            saved.push_back(s->str());
        auto idents = idents_;
        auto instance_names = instance_names_;
        where_ = S(c.getDisplayName());
        try {
            // A generic struct or interface is generated once, its parameters read as AnyPointer
            // (as the C++ generator treats an unbound parameter); every brand of it uses that
            // one type (an interface's brand changes nothing of its methods' messages).
            switch (c.which()) {
            case Node::STRUCT:
                emit_struct(c, p, true);
                break;
            case Node::ENUM:
                emit_enum(c, p);
                break;
            case Node::CONST:
                emit_const(c, p);
                break;
            case Node::INTERFACE:
                emit_interface(c, p);
                break;
            default:
                throw Refusal(where_ + ": unsupported declaration");
            }
            emit_instances();
            generated_[c.isStruct() ? "struct" : c.isEnum() ? "enum"
                       : c.isInterface() ? "interface" : "constant"]++;
        } catch (const Refusal &e) {
            size_t i = 0;
            for (auto *s : streams) {
                s->str(saved[i++]);
                s->seekp(0, std::ios::end);
            }
            idents_ = idents;
            instance_names_ = instance_names;
            instances_.clear();
            brand_.clear();
            pending_.clear();
            copy_roots_.resize(roots);
            refused_[c.getId()] = e.what();
            refusal_order_.push_back(c.getId());
        }
    }

    // ---- Interfaces: an application's methods on the bridge. ----

    static constexpr uint64_t kFastpathAnnotation = 0x91fd6c610707e176ull; // sel4bridge.capnp
    static constexpr unsigned kFastWords = 4;   // seL4_FastMessageRegisters (x86_64, aarch64)
    static constexpr unsigned kMaxWords = 120;  // seL4_MsgMaxLength
    std::map<uint64_t, bool> cap_structs_; // method param structs: an interface field is the cap

    // Words a struct's content takes (data, pointers, and what its pointers reach); *@bounded is
    // cleared when a Text, Data or list makes it depend on the value.
    unsigned content_words(uint64_t id, bool *bounded, int depth = 0)
    {
        auto st = node(id).getStruct();
        unsigned w = st.getDataWordCount() + st.getPointerCount();
        if (depth > 16) {
            *bounded = false;
            return w;
        }
        for (auto f : st.getFields()) {
            if (f.isGroup()) {
                w += content_words(f.getGroup().getTypeId(), bounded, depth + 1) -
                     (st.getDataWordCount() + st.getPointerCount()); // a group shares our sections
                continue;
            }
            Type::Reader t = f.getSlot().getType();
            if (t.isStruct())
                w += content_words(t.getStruct().getTypeId(), bounded, depth + 1);
            else if (t.isText() || t.isData() || t.isList() || t.isAnyPointer())
                *bounded = false;
        }
        return w;
    }

    // How a method's param or result field travels through a stub and a handler.
    enum class Kind { Prim, Text, Data, List, Any, Struct, Cap };
    struct Arg {
        std::string name;
        Kind kind;
        Prim prim;        // Prim, and List's element
        uint32_t offset;  // pointer index of pointer kinds
        std::string view; // Any and Struct: the reader type that carries it
    };
    // An AnyPointer or a struct: a reader of another message, copied in (or of the request).
    static bool copied(const Arg &a) { return a.kind == Kind::Any || a.kind == Kind::Struct; }

    std::vector<Arg> method_args(uint64_t id, bool params, const std::string &where)
    {
        std::vector<Arg> args;
        auto st = node(id).getStruct();
        if (st.getDiscriminantCount() > 0)
            throw Refusal(where + ": unions in method " + (params ? "params" : "results") +
                          " are not supported (declare a struct field)");
        unsigned caps = 0;
        for (auto f : st.getFields()) {
            std::string w = where + "." + S(f.getName());
            where_ = w;
            if (f.isGroup())
                throw Refusal(w + ": groups in method params/results are not supported");
            Type::Reader t = f.getSlot().getType();
            Arg a{accessor_name(f), Kind::Prim, {"", 0, "void", 0, ""}, f.getSlot().getOffset()};
            if (is_prim(t)) {
                if (t.isVoid())
                    continue;
                a.prim = prim(t, w);
            } else if (t.isText()) {
                a.kind = Kind::Text;
            } else if (t.isData()) {
                a.kind = Kind::Data;
            } else if (t.isList() && is_prim(t.getList().getElementType()) &&
                       !t.getList().getElementType().isVoid()) {
                a.kind = Kind::List;
                a.prim = prim(t.getList().getElementType(), w);
            } else if (t.isAnyPointer() && !(t.getAnyPointer().isUnconstrained() &&
                                             t.getAnyPointer().getUnconstrained().isCapability())) {
                a.kind = Kind::Any; // a generic parameter of the interface, or AnyPointer
                a.view = "sb_codec_any_t";
            } else if (t.isStruct()) {
                a.kind = Kind::Struct; // its brand's concrete type when there is one
                a.view = struct_cname(t) + "_reader_t";
            } else if (t.isInterface()) {
                if (!params)
                    throw Refusal(w + ": a capability result is not supported (a reply's cap "
                                      "needs the client's receive slot)");
                if (++caps > 1)
                    throw Refusal(w + ": more than one capability parameter (a call carries "
                                      "one cap, in its extraCap)");
                a.kind = Kind::Cap;
            } else {
                throw Refusal(w + ": only primitive, enum, Text, Data, lists of primitives and "
                                  "one capability are supported in method params/results "
                                  "(lists of structs are not, yet)");
            }
            if (f.getSlot().getHadExplicitDefault() && !is_prim(t))
                throw Refusal(w + ": defaults of pointer params/results are not supported");
            args.push_back(a);
        }
        return args;
    }

    // C getter/setter expressions of a list element.
    static std::string elem_get(const Prim &p, const std::string &l, const std::string &i)
    {
        if (p.bits == 1)
            return "sb_codec_list_get_bool(" + l + ", " + i + ")";
        return from_raw(p, "sb_codec_list_get_" + std::string(p.rt) + "(" + l + ", " + i + ")");
    }
    static std::string elem_set(const Prim &p, const std::string &l, const std::string &i,
                                const std::string &v)
    {
        if (p.bits == 1)
            return "sb_codec_list_set_bool(" + l + ", " + i + ", " + v + ")";
        return "sb_codec_list_set_" + std::string(p.rt) + "(" + l + ", " + i + ", " +
               to_raw(p, v) + ")";
    }

    // Set @args into builder @b of struct C name @sc, each value named @in + its name: Text and
    // Data as (pointer, <name>_len), lists as (pointer, <name>_count), or, with @views, Text and
    // Data as sb_codec_text_t / sb_codec_data_t. A NULL pointer leaves the field null, as capnp
    // leaves a field that was never set. Pointer fields go in pointer order, so the words are
    // those `capnp encode` writes.
    static void emit_sets(std::ostringstream &o, const std::vector<Arg> &args,
                          const std::string &sc, const std::string &b, const std::string &in,
                          bool views = false)
    {
        std::vector<const Arg *> ptrs;
        for (auto &a : args) {
            if (a.kind == Kind::Prim)
                o << "    " << sc << "_set_" << a.name << "(" << b << ", " << in << a.name
                  << ");\n";
            else if (a.kind != Kind::Cap)
                ptrs.push_back(&a);
        }
        std::stable_sort(ptrs.begin(), ptrs.end(),
                         [](const Arg *x, const Arg *y) { return x->offset < y->offset; });
        for (auto *a : ptrs) {
            std::string v = in + a->name;
            if (a->kind == Kind::Any) {
                // A null source (a zeroed sb_codec_any_t) leaves the field null.
                o << "    sb_codec_any_copy(" << sc << "_init_" << a->name << "(" << b << "), "
                  << v << ");\n";
            } else if (a->kind == Kind::Struct) {
                // So does a zeroed reader (of no message).
                o << "    sb_codec_set_struct(" << b << ".s, " << a->offset << ", " << v
                  << ".s);\n";
            } else if (a->kind == Kind::Text || a->kind == Kind::Data) {
                std::string ptr = views ? v + (a->kind == Kind::Text ? ".str" : ".ptr") : v;
                std::string len = views ? v + ".len" : v + "_len";
                o << "    if (" << ptr << ")\n        " << sc << "_set_" << a->name << "(" << b
                  << ", " << ptr << ", " << len << ");\n";
            } else {
                o << "    if (" << v << ") {\n        sb_codec_list_builder_t sb_l = " << sc
                  << "_init_" << a->name << "(" << b << ", " << v << "_count);\n"
                  << "        for (uint32_t sb_i = 0; sb_i < " << v << "_count; sb_i++)\n"
                  << "            " << elem_set(a->prim, "sb_l", "sb_i", v + "[sb_i]") << ";\n"
                  << "    }\n";
            }
        }
    }

    // Input parameters of a stub for @args ("" when there are none).
    static std::string inputs(const std::vector<Arg> &args)
    {
        std::string s;
        for (auto &a : args) {
            switch (a.kind) {
            case Kind::Prim: s += ", " + a.prim.ctype + " " + a.name; break;
            case Kind::Text: s += ", const char *" + a.name + ", size_t " + a.name + "_len"; break;
            case Kind::Data: s += ", const void *" + a.name + ", size_t " + a.name + "_len"; break;
            case Kind::List:
                s += ", const " + a.prim.ctype + " *" + a.name + ", uint32_t " + a.name + "_count";
                break;
            case Kind::Any:
            case Kind::Struct: s += ", " + a.view + " " + a.name; break;
            case Kind::Cap: s += ", seL4_CPtr " + a.name; break;
            }
        }
        return s;
    }

    void emit_interface(Node::Reader n, const std::string &p)
    {
        auto in = n.getInterface();
        std::string where = S(n.getDisplayName());
        std::string c = prefix_ + p;
        if (in.getSuperclasses().size() > 0)
            throw Refusal(where + ": interface inheritance (extends) is not supported");
        uint32_t code = static_cast<uint32_t>(n.getId());
        if (code == 0)
            throw Refusal(where + ": the low 32 bits of the interface id are 0 (they name it in "
                                  "the label): give it another id");
        std::ostringstream &h = stubs_, &sv = server_;
        for (const char *own : {"_ID", "_CODE", "_interface", "_methods"})
            claim(c + own);
        h << "/* ==== interface " << local_name(n) << " ==== */\n" << c_comment(doc(n.getId()))
          << "#define " << c << "_ID " << hex(n.getId(), "ull") << "\n"
          << "#define " << c << "_CODE " << hex(code, "u") << "\n"
          << "extern const sb_interface_t " << c << "_interface; /* " << base_name(file_)
          << ".server.c */\n\n";
        std::ostringstream table;
        uint16_t ordinal = 0;
        for (auto m : in.getMethods()) {
            std::string mname = S(m.getName());
            std::string mw = where + "." + mname;
            where_ = mw;
            std::string mc = free_name(c + "_" + mname);
            if (mc != c + "_" + mname)
                h << "/* " << mname << ": named " << mc << " (" << c + "_" + mname
                  << " is the interface's own). */\n";
            // A method of a generic interface names its params and results with the interface's
            // own (inherited) brand: they are generated once, parameters as AnyPointer. A method
            // with generic parameters of its own is not carried.
            if (m.getImplicitParameters().size() > 0)
                throw Refusal(mw + ": generic methods are not supported");
            uint64_t pid = m.getParamStructType(), rid = m.getResultStructType();
            std::string pc = cname(pid), rc = cname(rid);
            if (node(pid).getScopeId() == 0)
                emit_struct(node(pid), names_[pid], true);
            if (node(rid).getScopeId() == 0)
                emit_struct(node(rid), names_[rid], true);
            auto params = method_args(pid, true, mw + "(params)");
            auto results = method_args(rid, false, mw + "(results)");
            bool pb = true, rb = true;
            unsigned pw = 1 + content_words(pid, &pb), rw = 1 + content_words(rid, &rb);
            bool has_cap = false;
            for (auto f : node(pid).getStruct().getFields())
                has_cap |= !f.isGroup() && f.getSlot().getType().isInterface();
            // seL4's fastpath takes no call that transfers a cap, whatever its size.
            bool fast = pb && rb && pw <= kFastWords && rw <= kFastWords && !has_cap;
            bool must = false;
            for (auto a : m.getAnnotations())
                must |= a.getId() == kFastpathAnnotation;
            std::string sz = mw.substr(mw.find(':') + 1) + ": request " +
                             (pb ? std::to_string(pw) : "<= " + std::to_string(kMaxWords)) +
                             " words" + (has_cap ? " + 1 cap" : "") + ", reply " +
                             (rb ? std::to_string(rw) : "<= " + std::to_string(kMaxWords)) +
                             " words, " + (fast ? "fastpath" : "not fastpath");
            sizes_ << sz << "\n";
            if (must && !fast)
                throw Refusal(mw + ": marked $fastpath but " + sz.substr(sz.find(':') + 2));
            if ((pb && pw > kMaxWords) || (rb && rw > kMaxWords))
                throw Refusal(mw + ": a message is larger than seL4_MsgMaxLength words");
            const Arg *cap = nullptr;
            for (auto &a : params)
                if (a.kind == Kind::Cap)
                    cap = &a;

            // The client side.
            h << "/* ---- " << local_name(n) << "." << mname << " @" << ordinal << ": "
              << sz.substr(sz.find(':') + 2) << " ---- */\n"
              << c_comment(doc(n.getId(), ordinal))
              << "#define " << mc << "_LABEL SB_APP_LABEL(" << c << "_CODE, " << ordinal << ")\n"
              << "#define " << mc << "_REQUEST_WORDS " << (pb ? pw : kMaxWords) << "\n"
              << "#define " << mc << "_REPLY_WORDS " << (rb ? rw : kMaxWords) << "\n"
              << "#define " << mc << "_FASTPATH " << (fast ? 1 : 0) << "\n";
            bool any_arg = false;
            for (auto *as : {&params, &results})
                for (auto &a : *as)
                    any_arg |= copied(a);
            h << "/* One seL4_Call: the params encoded in place, the results decoded in place (Text,\n"
                 " * Data and lists point into the IPC buffer: valid until this thread's next call).\n"
              << (any_arg ? " * An AnyPointer or struct param is copied from the message its reader reads (not\n"
                            " * this thread's IPC buffer; a zeroed one leaves it null).\n" : "")
              << " * Outputs may be NULL. */\n"
              << "static inline sb_status_t " << mc << "(sb_client_t *sb_c" << inputs(params);
            for (auto &a : results) {
                switch (a.kind) {
                case Kind::Prim: h << ", " << a.prim.ctype << " *" << a.name << "_out"; break;
                case Kind::Text: h << ", sb_codec_text_t *" << a.name << "_out"; break;
                case Kind::Data: h << ", sb_codec_data_t *" << a.name << "_out"; break;
                case Kind::Any:
                case Kind::Struct: h << ", " << a.view << " *" << a.name << "_out"; break;
                default: h << ", sb_codec_list_t *" << a.name << "_out"; break;
                }
            }
            h << ")\n{\n    sb_app_exchange_t sb_x;\n    " << pc << "_builder_t sb_p = " << pc
              << "_init_root(sb_client_app_begin(&sb_x));\n";
            emit_sets(h, params, pc, "sb_p", "");
            bool any_set = false;
            for (auto &a : params)
                any_set |= a.kind != Kind::Cap;
            if (!any_set)
                h << "    (void)sb_p;\n";
            h << "    sb_status_t sb_st = sb_client_app_call(sb_c, &sb_x, " << mc << "_LABEL, "
              << (cap ? cap->name : std::string("seL4_CapNull")) << ");\n"
              << "    if (sb_st != SB_OK)\n        return sb_st;\n";
            if (!results.empty())
                h << "    " << rc << "_reader_t sb_r = {sb_x.reply};\n";
            for (auto &a : results)
                h << "    if (" << a.name << "_out)\n        *" << a.name << "_out = " << rc
                  << "_get_" << a.name << "(sb_r);\n";
            h << "    /* A reply that does not decode is the server's fault, not ours. */\n"
              << "    return sb_codec_reader_status(sb_x.reply.msg) == SB_CODEC_OK ? SB_OK : "
                 "SB_ERR_BAD_REPLY;\n}\n";

            // The handler the application writes.
            h << "/* The application's handler (server side). Params point into the request:\n"
                 " * read them before any kernel invocation. Results start zeroed." << (any_arg ?
                 "\n * An AnyPointer or struct result is copied from the message its reader reads, which\n"
                 " * must not be the request (SB_ERR_RESULT_IN_REQUEST). */\n" : " */\n")
              << "sb_status_t " << mc << "_impl(sb_app_call_t *call";
            std::string impl_args;
            for (auto &a : params) {
                switch (a.kind) {
                case Kind::Prim: h << ", " << a.prim.ctype << " " << a.name; break;
                case Kind::Text: h << ", sb_codec_text_t " << a.name; break;
                case Kind::Data: h << ", sb_codec_data_t " << a.name; break;
                case Kind::Any:
                case Kind::Struct: h << ", " << a.view << " " << a.name; break;
                case Kind::List: h << ", sb_codec_list_t " << a.name; break;
                case Kind::Cap: h << ", seL4_CPtr " << a.name; break;
                }
                impl_args += ", " + (a.kind == Kind::Cap ? std::string("call->cap") : "sb_in_" + a.name);
            }
            for (auto &a : results) {
                switch (a.kind) {
                case Kind::Prim: h << ", " << a.prim.ctype << " *" << a.name << "_out"; break;
                case Kind::Text: h << ", sb_codec_text_t *" << a.name << "_out"; break;
                case Kind::Data: h << ", sb_codec_data_t *" << a.name << "_out"; break;
                case Kind::Any:
                case Kind::Struct: h << ", " << a.view << " *" << a.name << "_out"; break;
                default: h << ", const " << a.prim.ctype << " **" << a.name << "_out, uint32_t *"
                           << a.name << "_count_out"; break;
                }
                impl_args += ", &sb_out_" + a.name + (a.kind == Kind::List ? ", &sb_out_" + a.name + "_count" : "");
            }
            h << ");\n";

            // Answering a deferred call of this method.
            h << "/* Answer a call of this method deferred with sb_app_defer (server side). */\n"
              << "static inline sb_status_t " << mc << "_reply(sb_server_t *sb_s, sb_deferred_t sb_d, "
                 "sb_status_t sb_status";
            std::string rin = inputs(results);
            h << rin << ")\n{\n    sb_codec_builder_t sb_b;\n"
              << "    sb_status_t sb_st = sb_app_deferred_begin(sb_s, sb_d, &sb_b);\n"
              << "    if (sb_st != SB_OK)\n        return sb_st;\n"
              << "    if (sb_status == SB_OK) {\n        " << rc << "_builder_t sb_r = " << rc
              << "_init_root(&sb_b);\n";
            {
                std::ostringstream sets;
                emit_sets(sets, results, rc, "sb_r", "");
                std::string t = sets.str();
                std::string ind;
                for (size_t i = 0; i < t.size(); i++) {
                    ind += t[i];
                    if (t[i] == '\n' && i + 1 < t.size())
                        ind += "    ";
                }
                h << "    " << ind;
                if (results.empty())
                    h << "        (void)sb_r;\n";
            }
            h << "    }\n    return sb_app_deferred_send(sb_s, sb_d, sb_status, &sb_b);\n}\n\n";

            // The skeleton.
            sv << "/* " << local_name(n) << "." << mname << ": " << sz.substr(sz.find(':') + 2) << " */\n"
               << "static sb_status_t " << mc << "_skeleton(sb_app_call_t *call, sb_codec_struct_t params,\n"
               << "    sb_codec_builder_t *reply)\n{\n";
            bool reads_params = false; // a cap parameter is not read from the message
            for (auto &a : params)
                reads_params |= a.kind != Kind::Cap;
            if (reads_params)
                sv << "    " << pc << "_reader_t sb_p = {params};\n";
            for (auto &a : params) {
                switch (a.kind) {
                case Kind::Prim: sv << "    " << a.prim.ctype << " sb_in_" << a.name << " = " << pc << "_get_" << a.name << "(sb_p);\n"; break;
                case Kind::Text: sv << "    sb_codec_text_t sb_in_" << a.name << " = " << pc << "_get_" << a.name << "(sb_p);\n"; break;
                case Kind::Data: sv << "    sb_codec_data_t sb_in_" << a.name << " = " << pc << "_get_" << a.name << "(sb_p);\n"; break;
                case Kind::Any:
                case Kind::Struct: sv << "    " << a.view << " sb_in_" << a.name << " = " << pc << "_get_" << a.name << "(sb_p);\n"; break;
                case Kind::List: sv << "    sb_codec_list_t sb_in_" << a.name << " = " << pc << "_get_" << a.name << "(sb_p);\n"; break;
                case Kind::Cap: break;
                }
            }
            sv << "    /* The client is hostile: a pointer that failed a check read as its default and\n"
                  "     * is refused here, before the handler sees anything. */\n"
               << "    if (sb_codec_reader_status(params.msg) != SB_CODEC_OK)\n"
               << "        return SB_ERR_BAD_MESSAGE;\n";
            for (auto &a : results) {
                switch (a.kind) {
                case Kind::Prim: sv << "    " << a.prim.ctype << " sb_out_" << a.name << " = 0;\n"; break;
                case Kind::Text: sv << "    sb_codec_text_t sb_out_" << a.name << " = {0};\n"; break;
                case Kind::Data: sv << "    sb_codec_data_t sb_out_" << a.name << " = {0};\n"; break;
                case Kind::Any:
                case Kind::Struct: sv << "    " << a.view << " sb_out_" << a.name << " = {0};\n"; break;
                default: sv << "    const " << a.prim.ctype << " *sb_out_" << a.name << " = NULL;\n"
                            << "    uint32_t sb_out_" << a.name << "_count = 0;\n"; break;
                }
            }
            sv << "    sb_status_t sb_st = " << mc << "_impl(call" << impl_args << ");\n"
               << "    sb_st = sb_app_settle(call, sb_st);\n"
               << "    if (sb_st != SB_OK)\n        return sb_st;\n";
            for (auto &a : results) {
                std::string v = "sb_out_" + a.name;
                std::string len = a.kind == Kind::List
                                      ? "(size_t)" + v + "_count * sizeof *" + v
                                  : copied(a)
                                      ? "(" + v + ".s.msg ? (size_t)" + v + ".s.msg->nwords * 8 : 0)"
                                      : v + ".len";
                std::string ptr = a.kind == Kind::Text ? v + ".str"
                                  : a.kind == Kind::Data ? v + ".ptr"
                                  : copied(a) ? "(" + v + ".s.msg ? (const void *)" + v +
                                                              ".s.msg->words : NULL)"
                                  : v;
                if (a.kind != Kind::Prim)
                    sv << "    /* The reply is encoded over the request: a result inside it would be\n"
                          "     * overwritten while it is copied. */\n"
                       << "    if (sb_app_in_request(" << ptr << ", " << len << "))\n"
                       << "        return SB_ERR_RESULT_IN_REQUEST;\n";
            }
            sv << "    " << rc << "_builder_t sb_r = " << rc << "_init_root(reply);\n";
            {
                std::ostringstream sets;
                emit_sets(sets, results, rc, "sb_r", "sb_out_", true);
                sv << sets.str();
                if (results.empty())
                    sv << "    (void)sb_r;\n";
            }
            sv << "    return SB_OK;\n}\n\n";
            table << "    {{" << (cap ? 1 : 0) << ", " << mc << "_REQUEST_WORDS, SB_METHOD_STATES}, "
                  << mc << "_skeleton, \"" << mname << "\"},\n";
            ordinal++;
        }
        // An interface without methods has no table (an empty one would be unused).
        if (ordinal)
            sv << "static const sb_method_t " << c << "_methods[] = {\n" << table.str() << "};\n";
        sv << "const sb_interface_t " << c << "_interface = {\n"
           << "    \"" << local_name(n) << "\", " << c << "_ID, " << c << "_CODE, " << ordinal
           << ", " << (ordinal ? c + "_methods" : std::string("NULL")) << ",\n};\n\n";
    }

    void emit_enum(Node::Reader n, const std::string &p)
    {
        std::string c = prefix_ + p;
        enums_ << "/* enum " << local_name(n) << " */\n" << c_comment(doc(n.getId()))
               << "typedef enum " << c << " {\n";
        claim(c + "_t");
        uint16_t i = 0;
        for (auto e : n.getEnum().getEnumerants()) {
            enums_ << c_comment(doc(n.getId(), i), "    ");
            std::string en = free_name(c + "_" + S(e.getName()));
            if (en != c + "_" + S(e.getName()))
                enums_ << "    /* " << S(e.getName()) << ": named " << en << " (" << c
                       << "_t is the enum's type). */\n";
            enums_ << "    " << en << " = " << i << ",\n";
            i++;
        }
        enums_ << "} " << c << "_t;\n\n";
    }

    void emit_const(Node::Reader n, const std::string &p)
    {
        Value::Reader v = n.getConst().getValue();
        std::string c = free_name(prefix_ + p), val;
        if (c != prefix_ + p)
            consts_ << "/* " << local_name(n) << ": named " << c << " (" << prefix_ + p
                    << " is its scope's own). */\n";
        switch (v.which()) {
        case Value::BOOL: val = v.getBool() ? "1" : "0"; break;
        case Value::INT8: val = "(int8_t)" + std::to_string(v.getInt8()); break;
        case Value::INT16: val = "(int16_t)" + std::to_string(v.getInt16()); break;
        case Value::INT32: val = "(int32_t)" + std::to_string(v.getInt32()); break;
        case Value::INT64:
            // -9223372036854775808 would be the negation of a constant too large for int64_t.
            val = v.getInt64() == INT64_MIN ? "(-INT64_C(9223372036854775807) - 1)"
                                            : "INT64_C(" + std::to_string(v.getInt64()) + ")";
            break;
        case Value::UINT8: val = "(uint8_t)" + std::to_string(v.getUint8()); break;
        case Value::UINT16: val = "(uint16_t)" + std::to_string(v.getUint16()); break;
        case Value::UINT32: val = std::to_string(v.getUint32()) + "u"; break;
        case Value::UINT64: val = "UINT64_C(" + std::to_string(v.getUint64()) + ")"; break;
        case Value::ENUM: val = std::to_string(v.getEnum()); break;
        case Value::TEXT: val = c_string(v.getText().begin(), v.getText().size()); break;
        case Value::FLOAT32: {
            // A hexadecimal literal is exact; an infinity or NaN is given by its bits.
            float f = v.getFloat32();
            char buf[64];
            std::snprintf(buf, sizeof buf, "%af", static_cast<double>(f));
            val = std::isfinite(f) ? std::string(buf) : "sb_codec_bits_f32(" + hex(default_bits(v), "u") + ")";
            if (val[0] == '-')
                val = "(" + val + ")";
            break;
        }
        case Value::FLOAT64: {
            double d = v.getFloat64();
            char buf[64];
            std::snprintf(buf, sizeof buf, "%a", d);
            val = std::isfinite(d) ? std::string(buf) : "sb_codec_bits_f64(" + hex(default_bits(v), "ull") + ")";
            if (val[0] == '-')
                val = "(" + val + ")";
            break;
        }
        case Value::DATA:
            consts_ << "#define " << c << "_LEN " << v.getData().size() << "u\n";
            val = "((const uint8_t *)" + c_string(v.getData().begin(), v.getData().size()) + ")";
            break;
        case Value::STRUCT:
        case Value::LIST:
        case Value::ANY_POINTER: {
            // The value as a message of its own, the words `capnp eval --flat` writes: read it
            // with sb_codec_reader_init(&m, <c>_words(), <c>_WORDS) and the root accessor of
            // its type (sb_codec_read_root_any for a list).
            std::vector<uint64_t> w = message_words(v);
            consts_ << "/* " << local_name(n) << ": a message of " << w.size()
                    << " words (sb_codec_reader_init(&m, " << c << "_words(), " << c
                    << "_WORDS), then " << (v.isStruct() ? "the struct's _read_root"
                                                         : "sb_codec_read_root_any")
                    << "). */\n#define " << c << "_WORDS " << w.size() << "u\n"
                    << words_function(c + "_words", w);
            return;
        }
        case Value::VOID:
            consts_ << "/* " << local_name(n) << ": Void, a constant with no value to carry. */\n";
            return;
        default:
            throw Refusal(where_ + ": interface constants are not supported");
        }
        consts_ << "#define " << c << " " << val << "\n";
    }

    // A struct, list or AnyPointer value as a message of its own: the words `capnp eval --flat`
    // writes for it (a constant's, or a field's default).
    std::vector<uint64_t> message_words(Value::Reader v)
    {
        // One segment of the value's own size: a large value (a table constant of thousands of
        // words) would otherwise spill over the builder's first segment.
        capnp::AnyPointer::Reader src = v.isStruct() ? v.getStruct()
                                        : v.isList() ? v.getList() : v.getAnyPointer();
        capnp::MallocMessageBuilder mb(static_cast<capnp::uint>(src.targetSize().wordCount + 1));
        auto root = mb.getRoot<capnp::AnyPointer>();
        if (v.isStruct())
            root.set(v.getStruct());
        else if (v.isList())
            root.set(v.getList());
        else
            root.set(v.getAnyPointer());
        auto segs = mb.getSegmentsForOutput();
        if (segs.size() != 1)
            throw Refusal(where_ + ": a value of more than one segment");
        std::vector<uint64_t> w(segs[0].size());
        if (!w.empty())
            std::memcpy(w.data(), segs[0].begin(), w.size() * sizeof w[0]);
        return w;
    }

    // static inline const uint64_t *<name>(void) giving @w.
    static std::string words_function(const std::string &name, const std::vector<uint64_t> &w)
    {
        std::ostringstream o;
        o << "static inline const uint64_t *" << name << "(void)\n{\n"
          << "    static const uint64_t w[] = {";
        for (size_t i = 0; i < w.size(); i++)
            o << (i % 4 == 0 ? "\n        " : " ") << hex(w[i], "ull") << ",";
        o << "\n    };\n    return w;\n}\n";
        return o.str();
    }

    // A struct or list field's default value (capnp: what the reader gives for a null pointer):
    // its words, a getter that starts @dm over them when the field is null, and
    // <S>_set_<f>_default, which writes a copy of it (what capnp's builder getter does to a null
    // field). *@dm_param is the getter's extra parameter, *@get_null its null case; both stay
    // empty when the field has no default.
    void pointer_default(capnp::schema::Field::Slot::Reader slot, const std::string &c,
                         const std::string &fname, const std::string &B,
                         const std::string &set_disc, std::string *dm_param,
                         std::string *get_null)
    {
        Value::Reader d = slot.getDefaultValue();
        bool set = (d.isStruct() && d.hasStruct()) || (d.isList() && d.hasList()) ||
                   (d.isAnyPointer() && d.hasAnyPointer());
        dm_param->clear();
        get_null->clear();
        if (!slot.getHadExplicitDefault() || !set)
            return;
        std::vector<uint64_t> w = message_words(d);
        std::string dc = c + "_" + fname + "_default";
        claim(dc + "_words");
        claim(dc + "_WORDS");
        funcs_ << "/* " << fname << "'s default value: a message of " << w.size()
               << " words (those capnp eval --flat writes). */\n"
               << "#define " << dc << "_WORDS " << w.size() << "u\n" << words_function(dc + "_words", w)
               << "/* Set " << fname << " to a copy of its default (capnp's builder getter on a "
               << "null field). */\n"
               << "static inline void " << c << "_set_" << fname << "_default(" << B
               << " b)\n{\n" << set_disc << "    sb_codec_reader_t m;\n"
               << "    sb_codec_reader_init(&m, " << dc << "_words(), " << dc << "_WORDS);\n"
               << "    sb_codec_any_copy(sb_codec_init_any(b.s, " << slot.getOffset()
               << "), sb_codec_read_root_any(&m));\n}\n";
        *dm_param = ", sb_codec_reader_t *dm";
        *get_null = "    /* Null: the default, from its own words, read with @dm (keep it as long as "
                    "the value).\n     * A pointer that is set but refused reads as empty and "
                    "records why in r's reader. */\n"
                    "    if (!sb_codec_has_ptr(r.s, " + std::to_string(slot.getOffset()) +
                    ")) {\n        sb_codec_reader_init(dm, " + dc + "_words(), " + dc +
                    "_WORDS);\n";
    }

    Prim prim(Type::Reader t, const std::string &where)
    {
        switch (t.which()) {
        case Type::VOID: return {"", 0, "void", 0, "SB_CODEC_ELEM_VOID"};
        case Type::BOOL: return {"bool", 1, "bool", 1, "SB_CODEC_ELEM_BIT"};
        case Type::INT8: return {"u8", 8, "int8_t", 2, "SB_CODEC_ELEM_BYTE"};
        case Type::UINT8: return {"u8", 8, "uint8_t", 2, "SB_CODEC_ELEM_BYTE"};
        case Type::INT16: return {"u16", 16, "int16_t", 3, "SB_CODEC_ELEM_TWO_BYTES"};
        case Type::UINT16: return {"u16", 16, "uint16_t", 3, "SB_CODEC_ELEM_TWO_BYTES"};
        case Type::ENUM:
            return {"u16", 16, cname(t.getEnum().getTypeId()) + "_t", 3,
                    "SB_CODEC_ELEM_TWO_BYTES"};
        case Type::INT32: return {"u32", 32, "int32_t", 4, "SB_CODEC_ELEM_FOUR_BYTES"};
        case Type::UINT32: return {"u32", 32, "uint32_t", 4, "SB_CODEC_ELEM_FOUR_BYTES"};
        case Type::FLOAT32: return {"u32", 32, "float", 4, "SB_CODEC_ELEM_FOUR_BYTES"};
        case Type::INT64: return {"u64", 64, "int64_t", 5, "SB_CODEC_ELEM_EIGHT_BYTES"};
        case Type::UINT64: return {"u64", 64, "uint64_t", 5, "SB_CODEC_ELEM_EIGHT_BYTES"};
        case Type::FLOAT64: return {"u64", 64, "double", 5, "SB_CODEC_ELEM_EIGHT_BYTES"};
        default: throw Refusal(where + ": not a primitive type");
        }
    }

    static bool is_prim(Type::Reader t)
    {
        switch (t.which()) {
        case Type::TEXT:
        case Type::DATA:
        case Type::LIST:
        case Type::STRUCT:
        case Type::INTERFACE:
        case Type::ANY_POINTER:
            return false;
        default:
            return true;
        }
    }

    // The default's bit pattern, as stored XOR-ed on the wire.
    static uint64_t default_bits(Value::Reader v)
    {
        switch (v.which()) {
        case Value::BOOL: return v.getBool();
        case Value::INT8: return static_cast<uint8_t>(v.getInt8());
        case Value::INT16: return static_cast<uint16_t>(v.getInt16());
        case Value::INT32: return static_cast<uint32_t>(v.getInt32());
        case Value::INT64: return static_cast<uint64_t>(v.getInt64());
        case Value::UINT8: return v.getUint8();
        case Value::UINT16: return v.getUint16();
        case Value::UINT32: return v.getUint32();
        case Value::UINT64: return v.getUint64();
        case Value::ENUM: return v.getEnum();
        case Value::FLOAT32: {
            float f = v.getFloat32();
            uint32_t b;
            std::memcpy(&b, &f, sizeof b);
            return b;
        }
        case Value::FLOAT64: {
            double d = v.getFloat64();
            uint64_t b;
            std::memcpy(&b, &d, sizeof b);
            return b;
        }
        default: return 0;
        }
    }

    static const char *uint_type(unsigned bits)
    {
        switch (bits) {
        case 8: return "uint8_t";
        case 16: return "uint16_t";
        case 32: return "uint32_t";
        default: return "uint64_t";
        }
    }

    // Value in C (@v is the raw stored form) -> the field's C type, and back.
    static std::string from_raw(const Prim &p, const std::string &v)
    {
        if (p.ctype == "float") return "sb_codec_bits_f32(" + v + ")";
        if (p.ctype == "double") return "sb_codec_bits_f64(" + v + ")";
        return "(" + p.ctype + ")" + v;
    }
    static std::string to_raw(const Prim &p, const std::string &v)
    {
        if (p.ctype == "float") return "sb_codec_f32_bits(" + v + ")";
        if (p.ctype == "double") return "sb_codec_f64_bits(" + v + ")";
        return "(" + std::string(uint_type(p.bits)) + ")" + v;
    }

    // Emit one struct (or group) node; @top: a real struct (not a group), which can be a root
    // and a list element.
    void emit_struct(Node::Reader n, const std::string &p, bool top)
    {
        auto st = n.getStruct();
        std::string c = prefix_ + p;
        std::string R = c + "_reader_t", B = c + "_builder_t";
        uint16_t dw = st.getDataWordCount(), pc = st.getPointerCount();

        types_ << "/* " << (top ? "struct " : "group ") << local_name(n)
               << (brand_.count(n.getId()) ? " as " + c.substr(prefix_.size()) : "") << ": " << dw
               << " data word(s), " << pc << " pointer(s) */\n"
               << "typedef struct { sb_codec_struct_t s; } " << R << ";\n"
               << "typedef struct { sb_codec_struct_builder_t s; } " << B << ";\n";
        if (top) {
            types_ << "#define " << c << "_DATA_WORDS " << dw << "\n#define " << c
                   << "_POINTERS " << pc << "\n"
                   << "/* Words of a message rooted here, root pointer included, not counting "
                      "objects its pointers reach. */\n"
                   << "#define " << c << "_ROOT_WORDS " << (1 + dw + pc) << "\n";
        }
        types_ << "\n";

        std::ostringstream &f = funcs_;
        f << "/* ---- " << local_name(n) << " ---- */\n" << c_comment(doc(n.getId()));
        if (top) {
            f << "static inline sb_codec_status_t " << c
              << "_read_root(sb_codec_reader_t *msg, " << R << " *out)\n{\n"
              << "    return sb_codec_read_root(msg, &out->s);\n}\n"
              << "static inline " << B << " " << c
              << "_init_root(sb_codec_builder_t *msg)\n{\n"
              << "    " << B << " b = {sb_codec_init_root(msg, " << dw << ", " << pc
              << ")};\n    return b;\n}\n"
              << "/* The i-th element of a List(" << local_name(n) << "). */\n"
              << "static inline " << R << " " << c << "_list_get(sb_codec_list_t l, uint32_t i)\n{\n"
              << "    " << R << " r = {sb_codec_list_get_struct(l, i)};\n    return r;\n}\n"
              << "static inline " << B << " " << c
              << "_list_at(sb_codec_list_builder_t l, uint32_t i)\n{\n"
              << "    " << B << " b = {sb_codec_list_struct_at(l, i)};\n    return b;\n}\n";
        }

        uint32_t disc_off = st.getDiscriminantOffset();
        if (st.getDiscriminantCount() > 0) {
            f << "/* Which member of the union is set. */\n";
            for (auto fld : st.getFields())
                if (fld.getDiscriminantValue() != kNoDiscriminant)
                    f << "#define " << c << "_which_" << S(fld.getName()) << " "
                      << fld.getDiscriminantValue() << "\n";
            claim(c + "_which");
            f << "static inline uint16_t " << c << "_which(" << R << " r)\n{\n"
              << "    return sb_codec_get_u16(r.s, " << disc_off << ", 0);\n}\n";
        }

        int member = -1;
        for (auto fld : st.getFields()) {
            std::string fname = accessor_name(fld);
            std::string where = S(n.getDisplayName()) + "." + S(fld.getName());
            where_ = where;
            f << c_comment(doc(n.getId(), ++member));
            if (fname != S(fld.getName()))
                f << "/* " << S(fld.getName()) << ": accessors named " << fname << " (" << c
                  << "_init_root is the struct's own). */\n";
            uint16_t dv = fld.getDiscriminantValue();
            // A union member's setter also sets the discriminant, as capnp's setters do.
            std::string set_disc =
                dv == kNoDiscriminant
                    ? ""
                    : "    sb_codec_set_u16(b.s, " + std::to_string(disc_off) + ", " +
                          std::to_string(dv) + ", 0);\n";
            std::string pre = "static inline ";

            if (fld.isGroup()) {
                uint64_t gid = fld.getGroup().getTypeId();
                std::string gp = p + "_" + S(fld.getName());
                names_[gid] = gp;
                std::string gc = prefix_ + gp;
                f << pre << gc << "_reader_t " << c << "_get_" << fname << "(" << R
                  << " r)\n{\n    " << gc << "_reader_t g = {r.s};\n    return g;\n}\n"
                  << pre << gc << "_builder_t " << c << "_init_" << fname << "(" << B
                  << " b)\n{\n" << set_disc << "    " << gc
                  << "_builder_t g = {b.s};\n    return g;\n}\n";
                // The group's own accessors come after the parent's.
                pending_.push_back({gid, gp});
                continue;
            }

            auto slot = fld.getSlot();
            Type::Reader t = resolve(slot.getType());
            uint32_t off = slot.getOffset();
            Value::Reader dflt = slot.getDefaultValue();

            if (is_prim(t)) {
                Prim pr = prim(t, where);
                if (t.which() == Type::VOID) {
                    if (dv != kNoDiscriminant)
                        f << pre << "void " << c << "_set_" << fname << "(" << B << " b)\n{\n"
                          << set_disc << "}\n";
                    continue;
                }
                uint64_t db = default_bits(dflt);
                if (t.which() == Type::BOOL) {
                    std::string d = db ? "true" : "false";
                    f << pre << "bool " << c << "_get_" << fname << "(" << R << " r)\n{\n"
                      << "    return sb_codec_get_bool(r.s, " << off << ", " << d << ");\n}\n"
                      << pre << "void " << c << "_set_" << fname << "(" << B
                      << " b, bool v)\n{\n" << set_disc << "    sb_codec_set_bool(b.s, " << off
                      << ", v, " << d << ");\n}\n";
                    continue;
                }
                std::string ut = uint_type(pr.bits);
                std::string d = "(" + ut + ")" + hex(db, pr.bits == 64 ? "ull" : "u");
                f << pre << pr.ctype << " " << c << "_get_" << fname << "(" << R << " r)\n{\n"
                  << "    return " << from_raw(pr, "sb_codec_get_" + std::string(pr.rt) +
                                                   "(r.s, " + std::to_string(off) + ", " + d + ")")
                  << ";\n}\n"
                  << pre << "void " << c << "_set_" << fname << "(" << B << " b, " << pr.ctype
                  << " v)\n{\n" << set_disc << "    sb_codec_set_" << pr.rt << "(b.s, " << off
                  << ", " << to_raw(pr, "v") << ", " << d << ");\n}\n";
                continue;
            }

            // Pointer fields.
            std::string has = pre + "bool " + c + "_has_" + fname + "(" + R +
                              " r)\n{\n    return sb_codec_has_ptr(r.s, " + std::to_string(off) +
                              ");\n}\n";
            switch (t.which()) {
            case Type::TEXT: {
                std::string d = "NULL, 0";
                if (slot.getHadExplicitDefault() && dflt.hasText())
                    d = c_string(dflt.getText().begin(), dflt.getText().size()) + ", " +
                        std::to_string(dflt.getText().size());
                f << has << pre << "sb_codec_text_t " << c << "_get_" << fname << "(" << R
                  << " r)\n{\n    return sb_codec_get_text(r.s, " << off << ", " << d
                  << ");\n}\n"
                  << pre << "void " << c << "_set_" << fname << "(" << B
                  << " b, const char *str, size_t len)\n{\n" << set_disc
                  << "    sb_codec_set_text(b.s, " << off << ", str, len);\n}\n";
                break;
            }
            case Type::DATA: {
                std::string d = "NULL, 0";
                if (slot.getHadExplicitDefault() && dflt.hasData())
                    d = "(const uint8_t *)" +
                        c_string(dflt.getData().begin(), dflt.getData().size()) + ", " +
                        std::to_string(dflt.getData().size());
                f << has << pre << "sb_codec_data_t " << c << "_get_" << fname << "(" << R
                  << " r)\n{\n    return sb_codec_get_data(r.s, " << off << ", " << d
                  << ");\n}\n"
                  << pre << "void " << c << "_set_" << fname << "(" << B
                  << " b, const void *ptr, size_t len)\n{\n" << set_disc
                  << "    sb_codec_set_data(b.s, " << off << ", ptr, len);\n}\n";
                break;
            }
            case Type::STRUCT: {
                uint64_t sid = t.getStruct().getTypeId();
                check_brand(t.getStruct().getBrand(), where);
                std::string sc = struct_cname(t);
                auto ss = node(sid).getStruct();
                std::string dm, get_null;
                pointer_default(slot, c, fname, B, set_disc, &dm, &get_null);
                if (!get_null.empty())
                    get_null += "        " + sc + "_reader_t d;\n        sb_codec_read_root(dm, "
                                "&d.s);\n        return d;\n    }\n";
                f << has << pre << sc << "_reader_t " << c << "_get_" << fname << "(" << R
                  << " r" << dm << ")\n{\n" << get_null << "    " << sc
                  << "_reader_t s = {sb_codec_get_struct(r.s, " << off
                  << ")};\n    return s;\n}\n"
                  << pre << sc << "_builder_t " << c << "_init_" << fname << "(" << B
                  << " b)\n{\n" << set_disc << "    " << sc
                  << "_builder_t s = {sb_codec_init_struct(b.s, " << off << ", "
                  << ss.getDataWordCount() << ", " << ss.getPointerCount()
                  << ")};\n    return s;\n}\n";
                break;
            }
            case Type::LIST: {
                Type::Reader et = resolve(t.getList().getElementType());
                std::string elem, init;
                std::string doc = elements(et, &elem, &init);
                std::string dm, get_null;
                pointer_default(slot, c, fname, B, set_disc, &dm, &get_null);
                if (!get_null.empty())
                    get_null += "        return sb_codec_any_as_list(sb_codec_read_root_any(dm), " +
                                elem + ");\n    }\n";
                f << "/* Elements: " << doc << ". */\n";
                if (init.empty()) {
                    init = "sb_codec_init_list(b.s, " + std::to_string(off) + ", " + elem +
                           ", count)";
                } else { // a struct list: the list element's call, made the field's
                    init = "sb_codec_init_" + init.substr(init.find("init_") + 5);
                    init.replace(init.find("(l, i"), 5, "(b.s, " + std::to_string(off));
                }
                f << has << pre << "sb_codec_list_t " << c << "_get_" << fname << "(" << R
                  << " r" << dm << ")\n{\n" << get_null << "    return sb_codec_get_list(r.s, "
                  << off << ", " << elem
                  << ");\n}\n"
                  << pre << "sb_codec_list_builder_t " << c << "_init_" << fname << "(" << B
                  << " b, uint32_t count)\n{\n" << set_disc << "    return " << init
                  << ";\n}\n";
                break;
            }
            case Type::INTERFACE:
                if (cap_structs_.count(n.getId())) {
                    // A method's cap parameter: it travels in the extraCap; its pointer stays
                    // null and is never read.
                    f << "/* " << fname << ": a capability, in the call's extraCap. */\n";
                    break;
                }
                throw Refusal(where + ": interface fields are not supported (capabilities "
                                      "travel in seL4 extraCaps, not in messages)");
            case Type::ANY_POINTER: {
                refuse_pointer_default(slot, where);
                check_any(t);
                f << "/* " << S(fld.getName()) << any_doc(t) << ": read it as the type you expect "
                  << "with sb_codec_any_as_*,\n * set it with sb_codec_any_init_* / _set_*. */\n"
                  << has << pre << "sb_codec_any_t " << c << "_get_" << fname << "(" << R
                  << " r)\n{\n    return sb_codec_get_any(r.s, " << off << ");\n}\n"
                  << pre << "sb_codec_any_builder_t " << c << "_init_" << fname << "(" << B
                  << " b)\n{\n" << set_disc << "    return sb_codec_init_any(b.s, " << off
                  << ");\n}\n";
                break;
            }
            default:
                throw Refusal(where + ": unsupported field type");
            }
        }
        f << "\n";

        // Groups share this struct's sections; emit their accessors after ours.
        auto groups = std::move(pending_);
        pending_.clear();
        for (auto &g : groups)
            emit_struct(node(g.first), g.second, false);
        if (top)
            emit_copy(n, c);
    }

    // ---- The copy file (<file>.capnp.copy.h): every struct read and rebuilt through its
    // accessors, for the schema checks (tests/codec/schema_check.c). ----

    struct CopySlot {
        std::string cond, r, b, gc; // guard, holder reader/builder expressions, holder's C name
        capnp::schema::Field::Reader f;
    };
    std::ostringstream copy_protos_, copy_;
    std::vector<std::pair<std::string, std::string>> copy_roots_; // schema name, C name

    // Collect the fields of a struct and of its groups: data fields, pointer fields, and the
    // discriminants to set (a union member that is null or Void still sets its discriminant).
    void copy_walk(Node::Reader n, const std::string &gc, const std::string &r,
                   const std::string &b, const std::string &cond, std::vector<CopySlot> &data,
                   std::vector<CopySlot> &ptrs, std::vector<std::string> &discs)
    {
        auto st = n.getStruct();
        for (auto fld : st.getFields()) {
            std::string fc = cond;
            uint16_t dv = fld.getDiscriminantValue();
            if (dv != kNoDiscriminant) {
                fc = (cond.empty() ? "" : cond + " && ") + gc + "_which(" + r + ") == " +
                     std::to_string(dv);
                discs.push_back("    if (" + fc + ")\n        sb_codec_set_u16(" + b + ".s, " +
                                std::to_string(st.getDiscriminantOffset()) + ", " +
                                std::to_string(dv) + ", 0);\n");
            }
            std::string an = accessor_name(fld);
            if (fld.isGroup()) {
                copy_walk(node(fld.getGroup().getTypeId()), gc + "_" + S(fld.getName()),
                          gc + "_get_" + an + "(" + r + ")", gc + "_init_" + an + "(" + b + ")",
                          fc, data, ptrs, discs);
                continue;
            }
            Type::Reader t = resolve(fld.getSlot().getType());
            if (t.isVoid())
                continue;
            if (t.isInterface())
                continue; // a method's cap parameter: in the extraCap, never in the message
            (is_prim(t) ? data : ptrs).push_back({fc, r, b, gc, fld});
        }
    }

    // Statements copying the elements of list @l into list builder @lb.
    std::string copy_elems(Type::Reader et, const std::string &l, const std::string &lb,
                           int depth, const std::string &ind)
    {
        std::string i = "i" + std::to_string(depth);
        std::string loop = ind + "for (uint32_t " + i + " = 0; " + i + " < " + l + ".count; " +
                           i + "++)";
        std::string notnull = "!sb_codec_any_is_null(sb_codec_list_get_any(" + l + ", " + i + "))";
        switch (et.which()) {
        case Type::VOID: return "";
        case Type::STRUCT: {
            std::string tc = struct_cname(et);
            return loop + "\n" + ind + "    " + tc + "_copy(" + tc + "_list_get(" + l + ", " + i +
                   "), " + tc + "_list_at(" + lb + ", " + i + "));\n";
        }
        case Type::TEXT:
        case Type::DATA: {
            bool text = et.isText();
            return loop + "\n" + ind + "    if (" + notnull + ") {\n" + ind + "        " +
                   (text ? "sb_codec_text_t v = sb_codec_list_get_text("
                         : "sb_codec_data_t v = sb_codec_list_get_data(") +
                   l + ", " + i + ");\n" + ind + "        sb_codec_list_set_" +
                   (text ? "text" : "data") + "(" + lb + ", " + i + ", v." +
                   (text ? "str" : "ptr") + ", v.len);\n" + ind + "    }\n";
        }
        case Type::ANY_POINTER:
            return loop + "\n" + ind + "    sb_codec_any_copy(sb_codec_list_any_at(" + lb + ", " +
                   i + "), sb_codec_list_get_any(" + l + ", " + i + "));\n";
        case Type::LIST: {
            Type::Reader inner = resolve(et.getList().getElementType());
            std::string ie, ii;
            elements(inner, &ie, &ii);
            std::string l2 = "l" + std::to_string(depth + 1), b2 = "b" + std::to_string(depth + 1);
            std::string init = ii.empty() ? "sb_codec_list_init_list(" + lb + ", " + i + ", " +
                                                ie + ", " + l2 + ".count)"
                                          : ii;
            if (!ii.empty()) {
                init.replace(init.find("(l, i, count"), 12, "(" + lb + ", " + i + ", " + l2 +
                                                                ".count");
            }
            return loop + "\n" + ind + "    if (" + notnull + ") {\n" + ind +
                   "        sb_codec_list_t " + l2 + " = sb_codec_list_get_list(" + l + ", " + i +
                   ", " + ie + ");\n" + ind + "        sb_codec_list_builder_t " + b2 + " = " +
                   init + ";\n" + copy_elems(inner, l2, b2, depth + 1, ind + "        ") + ind +
                   "    }\n";
        }
        default: {
            Prim pr = prim(et, where_);
            std::string rt = pr.rt;
            return loop + "\n" + ind + "    sb_codec_list_set_" + rt + "(" + lb + ", " + i +
                   ", sb_codec_list_get_" + rt + "(" + l + ", " + i + "));\n";
        }
        }
    }

    void emit_copy(Node::Reader n, const std::string &c)
    {
        std::vector<CopySlot> data, ptrs;
        std::vector<std::string> discs;
        copy_walk(n, c, "r", "b", "", data, ptrs, discs);
        std::stable_sort(ptrs.begin(), ptrs.end(), [](const CopySlot &x, const CopySlot &y) {
            return x.f.getSlot().getOffset() < y.f.getSlot().getOffset();
        });
        std::string R = c + "_reader_t", B = c + "_builder_t";
        copy_protos_ << "static inline void " << c << "_copy(" << R << " r, " << B << " b);\n";
        std::ostringstream &o = copy_;
        o << "static inline void " << c << "_copy(" << R << " r, " << B << " b)\n{\n"
          << "    (void)r;\n    (void)b;\n";
        for (auto &d : discs)
            o << d;
        for (auto &d : data) {
            std::string an = accessor_name(d.f);
            o << "    " << (d.cond.empty() ? "" : "if (" + d.cond + ")\n        ") << d.gc
              << "_set_" << an << "(" << d.b << ", " << d.gc << "_get_" << an << "(" << d.r
              << "));\n";
        }
        for (auto &p : ptrs) {
            std::string an = accessor_name(p.f);
            Value::Reader dv = p.f.getSlot().getDefaultValue();
            bool has_default = p.f.getSlot().getHadExplicitDefault() &&
                               ((dv.isStruct() && dv.hasStruct()) || (dv.isList() && dv.hasList()));
            std::string get = p.gc + "_get_" + an + "(" + p.r + (has_default ? ", &dm" : "") + ")";
            Type::Reader t = resolve(p.f.getSlot().getType());
            o << "    if (" << (p.cond.empty() ? "" : p.cond + " && ") << p.gc << "_has_" << an
              << "(" << p.r << ")) {\n";
            if (has_default) // set, so its default is not read
                o << "        sb_codec_reader_t dm;\n";
            switch (t.which()) {
            case Type::TEXT:
                o << "        sb_codec_text_t v = " << get << ";\n        " << p.gc << "_set_"
                  << an << "(" << p.b << ", v.str, v.len);\n";
                break;
            case Type::DATA:
                o << "        sb_codec_data_t v = " << get << ";\n        " << p.gc << "_set_"
                  << an << "(" << p.b << ", v.ptr, v.len);\n";
                break;
            case Type::STRUCT: {
                std::string tc = struct_cname(t);
                o << "        " << tc << "_copy(" << get << ", " << p.gc << "_init_" << an << "("
                  << p.b << "));\n";
                break;
            }
            case Type::LIST:
                o << "        sb_codec_list_t l0 = " << get << ";\n"
                  << "        sb_codec_list_builder_t b0 = " << p.gc << "_init_" << an << "("
                  << p.b << ", l0.count);\n"
                  << copy_elems(resolve(t.getList().getElementType()), "l0", "b0", 0, "        ")
                  << "        (void)b0;\n";
                break;
            case Type::ANY_POINTER:
                o << "        sb_codec_any_copy(" << p.gc << "_init_" << an << "(" << p.b
                  << "), " << get << ");\n";
                break;
            default: // interface: a method's cap, never in the message
                break;
            }
            o << "    }\n";
        }
        o << "}\n";
        if (brand_.empty()) // an instance has no schema name of its own to check it by
            copy_roots_.push_back({local_name(n), c});
    }

public:
    // The copy file: empty when the file generates no struct.
    std::string copy_file(const std::string &header)
    {
        std::ostringstream o;
        o << "/*\n * Generated by tools/capnpc-c from " << file_ << " (CAPNPC_C_COPY=1). Do not\n"
          << " * edit. For the schema checks: <S>_copy reads every field of a struct through its\n"
          << " * accessors and sets it in a builder, pointer fields in capnp's order, so the words\n"
          << " * rebuilt are those read. Host tests only (it uses sb_codec_any_copy for AnyPointer).\n"
          << " */\n#pragma once\n\n#include \"" << header << "\"\n";
        for (auto &i : imports_)
            o << "#include \"" << i.first.substr(0, i.first.size() - 2) << ".copy.h\"\n";
        o << "\n#ifndef SB_CODEC_COPY_ENTRY\n#define SB_CODEC_COPY_ENTRY\n"
          << "typedef struct {\n    const char *name;\n"
          << "    sb_codec_status_t (*copy_root)(sb_codec_reader_t *in, sb_codec_builder_t *out);\n"
          << "} sb_codec_copy_entry_t;\n#endif\n\n"
          << copy_protos_.str() << "\n" << copy_.str() << "\n";
        for (auto &r : copy_roots_)
            o << "static sb_codec_status_t " << r.second
              << "_copy_root(sb_codec_reader_t *in, sb_codec_builder_t *out)\n{\n    "
              << r.second << "_reader_t r;\n    if (" << r.second
              << "_read_root(in, &r) != SB_CODEC_OK)\n        return sb_codec_reader_status(in);\n"
              << "    " << r.second << "_copy(r, " << r.second << "_init_root(out));\n"
              << "    return sb_codec_reader_status(in);\n}\n";
        o << "static const sb_codec_copy_entry_t " << prefix_ << "copy_table[] = {\n";
        for (auto &r : copy_roots_)
            o << "    {\"" << r.first << "\", " << r.second << "_copy_root},\n";
        o << "    {0, 0},\n};\n";
        return o.str();
    }

private:

    std::vector<std::pair<uint64_t, std::string>> pending_;

    // A list's elements: how to read and build them (for the accessor's comment); *@elem is the
    // element size the list is read with, *@init the builder call of a list element that is
    // itself a list ("" when sb_codec_list_init_list with *@elem does).
    std::string elements(Type::Reader et, std::string *elem, std::string *init)
    {
        init->clear();
        switch (et.which()) {
        case Type::STRUCT: {
            uint64_t sid = et.getStruct().getTypeId();
            auto ss = node(sid).getStruct();
            *elem = "SB_CODEC_ELEM_INLINE_COMPOSITE";
            *init = "sb_codec_list_init_struct_list(l, i, count, " +
                    std::to_string(ss.getDataWordCount()) + ", " +
                    std::to_string(ss.getPointerCount()) + ")";
            return struct_cname(et) + "_list_get / _list_at";
        }
        case Type::TEXT:
            *elem = "SB_CODEC_ELEM_POINTER";
            return "sb_codec_list_get_text / sb_codec_list_set_text";
        case Type::DATA:
            *elem = "SB_CODEC_ELEM_POINTER";
            return "sb_codec_list_get_data / sb_codec_list_set_data";
        case Type::ANY_POINTER:
            check_any(et);
            *elem = "SB_CODEC_ELEM_POINTER";
            return "sb_codec_list_get_any / sb_codec_list_any_at (each" + any_doc(et) + ")";
        case Type::LIST: {
            std::string ie, ii;
            std::string inner = elements(resolve(et.getList().getElementType()), &ie, &ii);
            *elem = "SB_CODEC_ELEM_POINTER";
            return "lists, sb_codec_list_get_list(l, i, " + ie + ") / " +
                   (ii.empty() ? "sb_codec_list_init_list(l, i, " + ie + ", count)" : ii) +
                   ",\n * whose elements: " + inner;
        }
        case Type::INTERFACE:
            throw Refusal(where_ + ": lists of interfaces are not supported (capabilities "
                                   "travel in seL4 extraCaps, not in messages)");
        default: {
            Prim pr = prim(et, where_);
            *elem = pr.elem_name;
            return "sb_codec_list_get_" + std::string(pr.bits == 0 ? "?" : pr.rt) +
                   " / sb_codec_list_set_" + (pr.bits == 0 ? "?" : pr.rt) + " (" + pr.ctype +
                   ")";
        }
        }
    }

    // An AnyPointer that may hold a capability cannot travel (caps go in seL4's extraCaps).
    void check_any(Type::Reader t)
    {
        auto a = t.getAnyPointer();
        if (a.isUnconstrained() && a.getUnconstrained().isCapability())
            throw Refusal(where_ + ": Capability pointers are not supported (capabilities "
                                   "travel in seL4 extraCaps, not in messages)");
    }

    // What an AnyPointer stands for, for its comment.
    std::string any_doc(Type::Reader t)
    {
        auto a = t.getAnyPointer();
        if (a.isParameter()) {
            auto p = a.getParameter();
            auto params = node(p.getScopeId()).getParameters();
            std::string name = p.getParameterIndex() < params.size()
                                   ? S(params[p.getParameterIndex()].getName())
                                   : "?";
            return " (generic parameter " + name + ", read as AnyPointer)";
        }
        if (a.isImplicitMethodParameter())
            return " (a method's generic parameter, read as AnyPointer)";
        auto u = a.getUnconstrained();
        if (u.isStruct())
            return " (AnyStruct)";
        if (u.isList())
            return " (AnyList)";
        return " (AnyPointer)";
    }

    static void refuse_pointer_default(capnp::schema::Field::Slot::Reader slot,
                                       const std::string &where)
    {
        Value::Reader d = slot.getDefaultValue();
        if (slot.getHadExplicitDefault() && d.isAnyPointer() && d.hasAnyPointer())
            throw Refusal(where + ": default values of AnyPointer fields are not supported");
    }

    // A brand (Map(Text, Person)) names the generic type's one generated form, whose parameters
    // are AnyPointer: the application reads them as the brand's types.
    static void check_brand(capnp::schema::Brand::Reader, const std::string &) {}

    // ---- Brands known at generation time: Box(Text) as a concrete type, Box_Text, whose
    // parameter fields have the bound types. A brand with an unbound parameter, one bound to a
    // list, an AnyPointer or a generic type, or a generic of another file uses the generic type
    // (parameters as AnyPointer). ----
    struct Instance {
        uint64_t gid;
        std::vector<Type::Reader> binds;
        std::string p;
    };
    std::vector<Instance> instances_;       // to emit after the current declaration
    std::map<std::string, bool> instance_names_;
    std::map<uint64_t, std::vector<Type::Reader>> brand_; // generic id -> its bound types now

    std::string bound_name(Type::Reader t)
    {
        switch (t.which()) {
        case Type::BOOL: return "Bool";
        case Type::INT8: return "Int8";
        case Type::INT16: return "Int16";
        case Type::INT32: return "Int32";
        case Type::INT64: return "Int64";
        case Type::UINT8: return "UInt8";
        case Type::UINT16: return "UInt16";
        case Type::UINT32: return "UInt32";
        case Type::UINT64: return "UInt64";
        case Type::FLOAT32: return "Float32";
        case Type::FLOAT64: return "Float64";
        case Type::TEXT: return "Text";
        case Type::DATA: return "Data";
        case Type::ENUM:
        case Type::STRUCT: {
            uint64_t id = t.isEnum() ? t.getEnum().getTypeId() : t.getStruct().getTypeId();
            if (t.isStruct() && node(id).getIsGeneric()) {
                // A brand of a generic: its own instance (Box(Box(Text)) -> Box_Box_Text).
                std::string c = struct_cname(t);
                return c == cname(id) ? "" : c.substr(prefix_.size());
            }
            if (t.isStruct() && t.getStruct().getBrand().getScopes().size() > 0)
                return "";
            auto it = names_.find(id);
            // An imported type is named with its file's prefix (Box(G.Point) -> Box_geometry_Point),
            // so that it cannot meet a type of this file of the same name.
            return it == names_.end() ? cname(id) : it->second;
        }
        case Type::LIST: {
            // A list of a type that has a name (Box(List(UInt16)) -> Box_List_UInt16).
            std::string e = bound_name(resolve(t.getList().getElementType()));
            return e.empty() ? "" : "List_" + e;
        }
        case Type::ANY_POINTER: {
            // Bound to AnyPointer itself (not to a parameter): the parameter's own reading.
            auto a = t.getAnyPointer();
            if (a.isUnconstrained() && a.getUnconstrained().isAnyKind())
                return "AnyPointer";
            return "";
        }
        default: return "";
        }
    }

    // A parameter of a generic being generated as an instance: its bound type.
    Type::Reader resolve(Type::Reader t)
    {
        if (!t.isAnyPointer() || !t.getAnyPointer().isParameter())
            return t;
        auto pa = t.getAnyPointer().getParameter();
        auto it = brand_.find(pa.getScopeId());
        if (it == brand_.end() || pa.getParameterIndex() >= it->second.size())
            return t;
        return it->second[pa.getParameterIndex()];
    }

    // The C name of a struct type: its instance when the brand binds every parameter to a
    // type that has one, else the type itself.
    std::string struct_cname(Type::Reader t)
    {
        uint64_t sid = t.getStruct().getTypeId();
        std::string base = cname(sid);
        auto scopes = t.getStruct().getBrand().getScopes();
        if (scopes.size() != 1 || scopes[0].getScopeId() != sid || !scopes[0].isBind())
            return base;
        // A generic of an imported file too: its instance is generated here, with our prefix.
        std::string p = names_.count(sid) ? names_[sid] : base.substr(base.find('_') + 1);
        if (!names_.count(sid)) {
            uint64_t f = sid;
            while (f != 0 && !node(f).isFile())
                f = node(f).getScopeId();
            Generator &g = files_.get(f);
            p = g.names_.count(sid) ? g.names_[sid] : "";
            if (p.empty())
                return base;
        }
        Instance in{sid, {}, p};
        for (auto b : scopes[0].getBind()) {
            if (!b.isType())
                return base;
            // Inside an instance, a binding to the outer generic's parameter is its bound type.
            Type::Reader bt = resolve(b.getType());
            std::string bn = bound_name(bt);
            if (bn.empty())
                return base;
            in.binds.push_back(bt);
            in.p += "_" + bn;
        }
        if (!instance_names_.count(in.p)) {
            instance_names_[in.p] = true;
            instances_.push_back(in);
        }
        return prefix_ + in.p;
    }

    void emit_instances()
    {
        while (!instances_.empty()) {
            Instance in = instances_.back();
            instances_.pop_back();
            brand_[in.gid] = in.binds;
            emit_struct(node(in.gid), in.p, true);
            brand_.erase(in.gid);
        }
    }
};

// "schemas/codec-test.capnp" -> "codec_test_"; the output file is "codec-test.capnp.h".
std::string base_name(const std::string &path)
{
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string prefix_of(const std::string &path)
{
    std::string b = base_name(path);
    b = b.substr(0, b.find('.'));
    for (char &ch : b)
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    return b + "_";
}

Generator &Files::get(uint64_t file_id)
{
    auto it = gens_.find(file_id);
    if (it != gens_.end())
        return *it->second;
    Generator &g = *(gens_[file_id] = std::make_unique<Generator>(loader_, docs_, *this, file_id));
    g.run();
    return g;
}

} // namespace

// What a refusal is: an error (the default: every refusal is printed, nothing is written, exit 1)
// or a warning (printed, and the file is generated without the refused declarations, listed in
// its header comment). Chosen by `--refused=warning|error` when the plugin reads a request piped
// from `capnp compile -o-`, or by CAPNPC_C_REFUSED in the environment under `capnp compile -o`.
enum class RefusedAs { Error, Warning };

bool parse_refused(const char *v, RefusedAs *out)
{
    if (std::strcmp(v, "error") == 0)
        *out = RefusedAs::Error;
    else if (std::strcmp(v, "warning") == 0)
        *out = RefusedAs::Warning;
    else
        return false;
    return true;
}

int main(int argc, char **argv)
{
    RefusedAs refused_as = RefusedAs::Error;
    const char *env = std::getenv("CAPNPC_C_REFUSED");
    if (env && !parse_refused(env, &refused_as)) {
        std::fprintf(stderr, "capnpc-c: CAPNPC_C_REFUSED=%s: expected warning or error\n", env);
        return 2;
    }
    // CAPNPC_C_COPY=1 also writes <file>.capnp.copy.h, for the schema checks.
    const char *copy_env = std::getenv("CAPNPC_C_COPY");
    bool copy = copy_env && std::strcmp(copy_env, "1") == 0;
    // CAPNPC_C_SUMMARY=1 prints, per requested file, the declarations generated and refused.
    const char *summary_env = std::getenv("CAPNPC_C_SUMMARY");
    bool summary = summary_env && std::strcmp(summary_env, "1") == 0;
    for (int i = 1; i < argc; i++) {
        if (std::strncmp(argv[i], "--refused=", 10) != 0 ||
            !parse_refused(argv[i] + 10, &refused_as)) {
            std::fprintf(stderr, "usage: capnp compile -o- <schema> | capnpc-c "
                                 "[--refused=warning|error]\n");
            return 2;
        }
    }

    capnp::ReaderOptions opts;
    opts.traversalLimitInWords = 1ull << 30;
    opts.nestingLimit = 128;
    capnp::StreamFdMessageReader msg(STDIN_FILENO, opts);
    auto req = msg.getRoot<capnp::schema::CodeGeneratorRequest>();

    capnp::SchemaLoader loader;
    for (auto n : req.getNodes())
        loader.load(n);
    Docs docs;
    for (auto info : req.getSourceInfo())
        docs.emplace(info.getId(), info);

    std::vector<std::pair<std::string, std::string>> out;
    Files files(loader, docs);
    size_t refusals = 0;
    const char *kind = refused_as == RefusedAs::Error ? "error" : "warning";
    for (auto f : req.getRequestedFiles()) {
        std::string file = S(f.getFilename());
        try {
            Generator &g = files.get(f.getId());
            out.emplace_back(base_name(file) + ".h", g.header());
            if (copy)
                out.emplace_back(base_name(file) + ".copy.h", g.copy_file(base_name(file) + ".h"));
            std::string skeleton = g.server(base_name(file) + ".h");
            if (!skeleton.empty())
                out.emplace_back(base_name(file) + ".server.c", skeleton);
            std::string sizes = g.sizes();
            for (size_t at = 0, nl; (nl = sizes.find('\n', at)) != std::string::npos; at = nl + 1)
                std::fprintf(stderr, "capnpc-c: %s\n", sizes.substr(at, nl - at).c_str());
            for (auto &r : g.refusals()) {
                std::fprintf(stderr, "capnpc-c: %s: refused %s\n", kind, r.c_str());
                refusals++;
            }
            if (summary)
                std::fprintf(stderr, "capnpc-c: %s: %s\n", file.c_str(), g.summary().c_str());
        } catch (const Refusal &e) {
            std::fprintf(stderr, "capnpc-c: error: %s\n", e.what());
            return 1;
        }
    }
    if (refusals > 0 && refused_as == RefusedAs::Error) {
        std::fprintf(stderr, "capnpc-c: %zu declaration(s) refused; nothing written "
                             "(CAPNPC_C_REFUSED=warning generates the others)\n", refusals);
        return 1;
    }
    for (auto &o : out) {
        std::ofstream s(o.first, std::ios::binary | std::ios::trunc);
        s << o.second;
        if (!s) {
            std::fprintf(stderr, "capnpc-c: cannot write %s\n", o.first.c_str());
            return 1;
        }
    }
    return 0;
}
