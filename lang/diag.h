// Diagnostics as values: the front end collects them in a DiagSink and keeps going, so one run
// reports several errors; the CLI renders them as `file:line:col: error: message`, the source
// line, a caret under the span, then notes and a "did you mean" help line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source.h"

namespace mdc {

enum class Severity { Error, Warning, Note };

struct DiagNote {
    Span span;  // may be invalid: the note then has no location
    std::string message;
};

struct Diagnostic {
    Severity severity = Severity::Error;
    Span span;
    std::string message;
    std::vector<DiagNote> notes;
    std::string help;  // e.g. "did you mean 'Transpose'?"

    Diagnostic& note(std::string msg, Span at = {}) {
        notes.push_back({at, std::move(msg)});
        return *this;
    }
    Diagnostic& with_help(std::string h) {
        help = std::move(h);
        return *this;
    }
};

class DiagSink {
public:
    Diagnostic& error(Span at, std::string message);
    Diagnostic& warning(Span at, std::string message);
    size_t error_count() const { return errors_; }
    size_t warning_count() const { return warnings_; }
    const std::vector<Diagnostic>& all() const { return diags_; }
    Diagnostic& at(size_t i) { return diags_.at(i); }
    // Errors at the exact span already reported are dropped: one mistake, one message.
    bool already_reported(Span at) const;

private:
    std::vector<Diagnostic> diags_;
    Diagnostic discarded_;  // a repeat of a reported diagnostic lands here and is dropped
    size_t errors_ = 0, warnings_ = 0;
    Diagnostic& add(Severity s, Span at, std::string message);
};

std::string render(const Diagnostic& d, const SourceSet& sources);
std::string render_all(const DiagSink& sink, const SourceSet& sources);

// The closest candidate by edit distance, or "" when none is close enough to be a likely typo.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mdc
