// Whole files in and out, for convert: read a file into memory; write one atomically (a temporary
// file in the same folder, renamed over the target, so a reader never sees half a file and a
// failure leaves nothing behind); tell whether two paths name the same file (links included).
// Errors are returned as text ("" = success).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mdc::drivers {

std::string read_file_bytes(const std::string& path, std::vector<uint8_t>& out);

// While the temporary file exists, SIGINT, SIGTERM and SIGHUP are held back, so an interrupted
// run leaves either the whole new file or none (the signal acts right after).
std::string write_file_atomically(const std::string& path, std::span<const uint8_t> bytes);

// True when both exist and are one file (the same inode: also through links and `..`).
bool same_file(const std::string& a, const std::string& b);

}  // namespace mdc::drivers
