#pragma once
// SemVer versions, version constraints (docs/catalog.md "Version constraints") and
// Kubernetes minors ("1.35"). Constraints follow npm's rules, which Helm shares:
// partial versions widen (`0.19` is `>=0.19.0 <0.20.0`), and a pre-release matches
// only a constraint that names a pre-release of the same major.minor.patch.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace aiplat::catalog {

/// A SemVer 2.0 version without a leading "v" (0.19.2, 1.0.0-rc.1+build.5).
struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> prerelease;  ///< dot-separated identifiers after '-'
  std::string build;                    ///< after '+'; ignored when comparing

  /// "1.2.3-rc.1+b" as it was written (normalised).
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool is_prerelease() const { return !prerelease.empty(); }
};

/// SemVer precedence: build metadata is ignored; 1.0.0-rc.1 < 1.0.0.
std::strong_ordering compare(const Version& a, const Version& b);
inline bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }
inline std::strong_ordering operator<=>(const Version& a, const Version& b) { return compare(a, b); }

/// Parses a full SemVer ("0.19.2"); a leading "v" or a missing part is an error that says so.
Result<Version> parse_version(std::string_view text);

/// One comparison of a constraint (">=0.19.0").
struct Comparator {
  enum class Op { eq, lt, le, gt, ge };
  Op op = Op::eq;
  Version version;
  [[nodiscard]] bool matches(const Version& v) const;
  [[nodiscard]] std::string to_string() const;
};

/// A parsed constraint: alternatives separated by `||`, each an AND of comparators.
/// An empty alternative list never occurs; `*` is one alternative with no comparators.
struct VersionConstraint {
  std::string text;  ///< as written, for messages
  std::vector<std::vector<Comparator>> alternatives;

  /// True when `v` satisfies the constraint (pre-release rule included).
  [[nodiscard]] bool matches(const Version& v) const;
  /// The expanded form (">=0.19.0 <0.20.0 || 1.0.0"), for explanations.
  [[nodiscard]] std::string expanded() const;
};

/// Parses `>=, <, <=, >, =, ~, ^, *, x` comparisons, space-AND and `||`.
Result<VersionConstraint> parse_constraint(std::string_view text);

/// A Kubernetes minor such as 1.35.
struct KubeMinor {
  int major = 1;
  int minor = 0;
  [[nodiscard]] std::string to_string() const;
  friend auto operator<=>(const KubeMinor&, const KubeMinor&) = default;
};

/// Parses "1.35" (also accepts "v1.35" and "1.35.2", keeping only the minor, as server versions come that way).
Result<KubeMinor> parse_kube_minor(std::string_view text);

/// An inclusive range of minors; an unset end is open.
struct MinorRange {
  std::optional<KubeMinor> min;
  std::optional<KubeMinor> max;
  [[nodiscard]] bool contains(const KubeMinor& m) const;
  [[nodiscard]] bool unbounded() const { return !min && !max; }
  /// "1.34-1.37", "1.34+", "up to 1.36" or "any".
  [[nodiscard]] std::string to_string() const;
};

}  // namespace aiplat::catalog
