#pragma once
// One addon.yaml document -> AddOn, checking every field on the way.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "catalog/doc_reader.hpp"
#include "catalog/model.hpp"

namespace aiplat::catalog {

/// What parsing one file found besides the value.
struct ParseFindings {
  std::vector<Problem> problems;  ///< errors
  std::vector<Problem> unpinned;  ///< `unknown` sha256/digest values (errors only under lint --strict)
};

/// Parses an add-on document; fields that fail validation are left at their defaults
/// and described in `findings`.
AddOn parse_addon(const YamlDocument& doc, ParseFindings& findings);

/// Parses a Go-style duration ("10m", "90s", "1h30m").
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// True for 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text);

}  // namespace aiplat::catalog
