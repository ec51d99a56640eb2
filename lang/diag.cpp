// Rendering of diagnostics (clang style, with a caret span) and the "did you mean" matcher.
#include "diag.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace mdc {

Diagnostic& DiagSink::add(Severity s, Span at, std::string message) {
    for (const Diagnostic& d : diags_)
        if (d.severity == s && d.span.file == at.file && d.span.begin == at.begin && d.span.end == at.end && d.message == message) {
            discarded_ = {};
            return discarded_;
        }
    (s == Severity::Error ? errors_ : warnings_)++;
    diags_.push_back({s, at, std::move(message), {}, {}});
    return diags_.back();
}

Diagnostic& DiagSink::error(Span at, std::string message) { return add(Severity::Error, at, std::move(message)); }

Diagnostic& DiagSink::warning(Span at, std::string message) { return add(Severity::Warning, at, std::move(message)); }

bool DiagSink::already_reported(Span at) const {
    return std::any_of(diags_.begin(), diags_.end(), [&](const Diagnostic& d) {
        return d.severity == Severity::Error && d.span.file == at.file && d.span.begin == at.begin;
    });
}

namespace {

std::string_view severity_name(Severity s) {
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
    }
    return "error";
}

// The source line and a caret line under [begin, end) of that line (tabs kept, so they line up).
void append_snippet(std::string& out, const SourceFile& f, Span s) {
    LineCol lc = f.line_col(s.begin);
    std::string_view line = f.line_text(lc.line);
    uint32_t line_start = s.begin - static_cast<uint32_t>([&] {
        // byte distance from line start
        uint32_t off = s.begin;
        uint32_t n = 0;
        while (off > 0 && f.text()[off - 1] != '\n') --off, ++n;
        return n;
    }());
    uint32_t col_byte = s.begin - line_start;
    uint32_t end_byte = std::min<uint32_t>(s.end > s.begin ? s.end - line_start : col_byte + 1,
                                           static_cast<uint32_t>(line.size()));
    if (end_byte <= col_byte) end_byte = col_byte + 1;
    out += line;
    out += '\n';
    for (uint32_t i = 0; i < col_byte && i < line.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        if ((c & 0xC0) == 0x80) continue;
        out += c == '\t' ? '\t' : ' ';
    }
    out += '^';
    for (uint32_t i = col_byte + 1; i < end_byte; ++i)
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) out += '~';
    out += '\n';
}

std::string location(const SourceSet& sources, Span s) {
    if (!s.valid()) return {};
    const SourceFile& f = sources.file(s.file);
    LineCol lc = f.line_col(s.begin);
    return fmt::format("{}:{}:{}: ", f.name(), lc.line, lc.col);
}

}  // namespace

std::string render(const Diagnostic& d, const SourceSet& sources) {
    std::string out = location(sources, d.span);
    out += fmt::format("{}: {}\n", severity_name(d.severity), d.message);
    if (d.span.valid()) append_snippet(out, sources.file(d.span.file), d.span);
    for (const DiagNote& n : d.notes) {
        out += location(sources, n.span);
        out += fmt::format("note: {}\n", n.message);
        if (n.span.valid()) append_snippet(out, sources.file(n.span.file), n.span);
    }
    if (!d.help.empty()) out += fmt::format("help: {}\n", d.help);
    return out;
}

std::string render_all(const DiagSink& sink, const SourceSet& sources) {
    // In source order, so a reader goes down the file once (parse and check run in two passes).
    std::vector<const Diagnostic*> order;
    for (const Diagnostic& d : sink.all()) order.push_back(&d);
    std::stable_sort(order.begin(), order.end(), [](const Diagnostic* a, const Diagnostic* b) {
        return std::pair(a->span.file, a->span.begin) < std::pair(b->span.file, b->span.begin);
    });
    std::string out;
    for (const Diagnostic* d : order) out += render(*d, sources);
    return out;
}

namespace {
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i - 1])));
            char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j - 1])));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1)});
            // adjacent transposition
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], prev[j - 1]);
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    return closest_match(word, std::vector<std::string_view>(candidates.begin(), candidates.end()));
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
    // A candidate the word abbreviates ('prog' for 'program', 'init' for 'init_patch') wins.
    if (word.size() >= 3)
        for (std::string_view c : candidates)
            if (c.size() > word.size() && c.substr(0, word.size()) == word) return std::string(c);
    std::string_view best;
    size_t best_d = SIZE_MAX;
    for (std::string_view c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_d) best_d = d, best = c;
    }
    // Allow roughly one typo per three characters, and always at least one.
    size_t limit = std::max<size_t>(1, (word.size() + 2) / 3);
    if (best_d > limit || best == word) return {};
    return std::string(best);
}

}  // namespace mdc
