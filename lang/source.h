// Source files and spans: every AST node, value and diagnostic points back into a SourceFile
// through a Span (file id + byte range). Line/column lookup is done lazily from a line index.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mdc {

struct Span {
    uint32_t file = 0;   // index into SourceSet; 0 is "no file"
    uint32_t begin = 0;  // byte offset of the first character
    uint32_t end = 0;    // byte offset one past the last character

    bool valid() const { return file != 0; }
    static Span join(Span a, Span b) {
        if (!a.valid()) return b;
        if (!b.valid()) return a;
        return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
    }
};

struct LineCol {
    uint32_t line = 0;  // 1-based
    uint32_t col = 0;   // 1-based, in characters (tabs count as one)
};

class SourceFile {
public:
    SourceFile(std::string name, std::string text);
    const std::string& name() const { return name_; }
    std::string_view text() const { return text_; }
    LineCol line_col(uint32_t offset) const;
    std::string_view line_text(uint32_t line) const;  // without the newline
    uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

private:
    std::string name_;
    std::string text_;
    std::vector<uint32_t> line_starts_;
};

// Owns every file of one compilation (the patch, the stdlib files, ...). No globals: each
// compilation has its own.
class SourceSet {
public:
    uint32_t add(std::string name, std::string text);  // returns the new file id (>= 1)
    const SourceFile& file(uint32_t id) const { return *files_.at(id - 1); }
    std::string_view text(Span s) const;
    size_t size() const { return files_.size(); }

private:
    std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace mdc
