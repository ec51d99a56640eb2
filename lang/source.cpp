// Line index and span text lookup for source files.
#include "source.h"

#include <algorithm>

namespace mdc {

SourceFile::SourceFile(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
    line_starts_.push_back(0);
    for (uint32_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

LineCol SourceFile::line_col(uint32_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
    uint32_t start = line_starts_[line - 1];
    // Columns count code points, so a caret under UTF-8 text lines up.
    uint32_t col = 1;
    for (uint32_t i = start; i < offset && i < text_.size(); ++i)
        if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;
    return {line, col};
}

std::string_view SourceFile::line_text(uint32_t line) const {
    if (line == 0 || line > line_starts_.size()) return {};
    uint32_t start = line_starts_[line - 1];
    uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<uint32_t>(text_.size());
    if (end > start && text_[end - 1] == '\r') --end;
    return std::string_view(text_).substr(start, end - start);
}

uint32_t SourceSet::add(std::string name, std::string text) {
    files_.push_back(std::make_unique<SourceFile>(std::move(name), std::move(text)));
    return static_cast<uint32_t>(files_.size());
}

std::string_view SourceSet::text(Span s) const {
    if (!s.valid()) return {};
    return file(s.file).text().substr(s.begin, s.end - s.begin);
}

}  // namespace mdc
