#include "catalog/version.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace aiplat::catalog {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

bool parse_number(std::string_view s, std::uint64_t& out) {
  if (!all_digits(s)) return false;
  if (s.size() > 1 && s[0] == '0') return false;  // SemVer forbids leading zeros
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::strong_ordering compare_identifiers(const std::string& a, const std::string& b) {
  bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) {
    if (a.size() != b.size()) return a.size() <=> b.size();
    return a.compare(b) <=> 0;
  }
  if (an) return std::strong_ordering::less;  // numeric identifiers sort before alphanumeric ones
  if (bn) return std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

/// A version as written in a constraint: missing parts (or x/X/*) are wildcards.
struct Partial {
  Version version;
  int parts = 0;  ///< how many of major, minor, patch were given
};

Result<Partial> parse_partial(std::string_view text, std::string_view whole) {
  Partial p;
  if (text.empty() || text == "*" || text == "x" || text == "X") return p;
  std::string_view core = text;
  std::string_view pre;
  std::size_t plus = core.find('+');
  if (plus != std::string_view::npos) core = core.substr(0, plus);
  std::size_t dash = core.find('-');
  if (dash != std::string_view::npos) {
    pre = core.substr(dash + 1);
    core = core.substr(0, dash);
  }
  std::vector<std::string_view> nums = split(core, '.');
  if (nums.size() > 3) {
    return input_error(fmt::format("version constraint \"{}\": \"{}\" has more than three parts", whole, text));
  }
  std::uint64_t* fields[3] = {&p.version.major, &p.version.minor, &p.version.patch};
  for (std::size_t i = 0; i < nums.size(); ++i) {
    if (nums[i] == "*" || nums[i] == "x" || nums[i] == "X") break;
    if (!parse_number(nums[i], *fields[i])) {
      return input_error(fmt::format("version constraint \"{}\": \"{}\" is not a version (expected numbers like 0.19.2)",
                                     whole, text));
    }
    p.parts = static_cast<int>(i) + 1;
  }
  if (!pre.empty()) {
    if (p.parts != 3) {
      return input_error(fmt::format("version constraint \"{}\": a pre-release needs a full version, not \"{}\"", whole, text));
    }
    for (std::string_view id : split(pre, '.')) {
      if (!valid_identifier(id)) {
        return input_error(fmt::format("version constraint \"{}\": bad pre-release \"{}\"", whole, pre));
      }
      p.version.prerelease.emplace_back(id);
    }
  }
  return p;
}

Version bump(const Partial& p) {
  // The first version above the wildcard range that `p` stands for (1.2 -> 1.3.0, 1 -> 2.0.0).
  Version v;
  if (p.parts == 1) v.major = p.version.major + 1;
  if (p.parts == 2) {
    v.major = p.version.major;
    v.minor = p.version.minor + 1;
  }
  return v;
}

Version floor_of(const Partial& p) {
  Version v = p.version;
  if (p.parts < 3) v.prerelease.clear();
  return v;
}

using Op = Comparator::Op;

Result<std::vector<Comparator>> expand(std::string_view token, std::string_view whole) {
  std::vector<Comparator> out;
  std::string_view rest = token;
  std::string op;
  for (std::string_view candidate : {">=", "<=", ">", "<", "=", "~>", "~", "^"}) {
    if (rest.starts_with(candidate)) {
      op = std::string(candidate);
      rest.remove_prefix(candidate.size());
      break;
    }
  }
  if (rest.starts_with('v')) {
    return input_error(fmt::format("version constraint \"{}\": write \"{}\" without the leading \"v\"", whole,
                                   std::string(rest.substr(1))));
  }
  if (rest.empty() && !op.empty()) {
    return input_error(fmt::format("version constraint \"{}\": \"{}\" has no version after it", whole, op));
  }
  Result<Partial> parsed = parse_partial(rest, whole);
  if (!parsed) return tl::unexpected(parsed.error());
  const Partial& p = *parsed;
  if (p.parts == 0) {
    if (op.empty() || op == "=" || op == ">=" || op == "<=") return out;  // any version
    return input_error(fmt::format("version constraint \"{}\": \"{}\" matches nothing", whole, token));
  }
  if (op.empty() || op == "=") {
    if (p.parts == 3) return std::vector<Comparator>{{Op::eq, p.version}};
    return std::vector<Comparator>{{Op::ge, floor_of(p)}, {Op::lt, bump(p)}};
  }
  if (op == ">=") return std::vector<Comparator>{{Op::ge, floor_of(p)}};
  if (op == "<") return std::vector<Comparator>{{Op::lt, floor_of(p)}};
  if (op == ">") {
    if (p.parts == 3) return std::vector<Comparator>{{Op::gt, p.version}};
    return std::vector<Comparator>{{Op::ge, bump(p)}};
  }
  if (op == "<=") {
    if (p.parts == 3) return std::vector<Comparator>{{Op::le, p.version}};
    return std::vector<Comparator>{{Op::lt, bump(p)}};
  }
  if (op == "~" || op == "~>") {
    // ~1.2.3 and ~1.2: >=1.2.x <1.3.0; ~1: >=1.0.0 <2.0.0.
    Partial upper = p;
    if (p.parts >= 2) upper.parts = 2;
    return std::vector<Comparator>{{Op::ge, floor_of(p)}, {Op::lt, bump(upper)}};
  }
  // ^: the leftmost non-zero part stays fixed.
  Partial upper = p;
  if (p.version.major != 0 || p.parts == 1) upper.parts = 1;
  else if (p.version.minor != 0 || p.parts == 2) upper.parts = 2;
  else upper.parts = 3;
  Version high;
  if (upper.parts == 3) {
    high = Version{0, 0, p.version.patch + 1, {}, {}};
  } else {
    high = bump(upper);
  }
  return std::vector<Comparator>{{Op::ge, floor_of(p)}, {Op::lt, high}};
}

}  // namespace

std::string Version::to_string() const {
  std::string s = fmt::format("{}.{}.{}", major, minor, patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) s += (i == 0 ? "-" : ".") + prerelease[i];
  if (!build.empty()) s += "+" + build;
  return s;
}

std::strong_ordering compare(const Version& a, const Version& b) {
  if (auto c = a.major <=> b.major; c != 0) return c;
  if (auto c = a.minor <=> b.minor; c != 0) return c;
  if (auto c = a.patch <=> b.patch; c != 0) return c;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    // A release sorts after its pre-releases.
    return b.prerelease.size() == a.prerelease.size() ? std::strong_ordering::equal
           : a.prerelease.empty()                     ? std::strong_ordering::greater
                                                      : std::strong_ordering::less;
  }
  std::size_t n = std::min(a.prerelease.size(), b.prerelease.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (auto c = compare_identifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  return a.prerelease.size() <=> b.prerelease.size();
}

Result<Version> parse_version(std::string_view text) {
  std::string shown(text);
  if (text.empty()) return input_error("empty version (expected MAJOR.MINOR.PATCH such as 0.19.2)");
  if (text[0] == 'v' || text[0] == 'V') {
    return input_error(fmt::format("version \"{}\": write it without the leading \"v\" ({})", shown,
                                   std::string(text.substr(1))));
  }
  Version v;
  std::string_view core = text;
  std::size_t plus = core.find('+');
  if (plus != std::string_view::npos) {
    std::string_view build = core.substr(plus + 1);
    for (std::string_view id : split(build, '.')) {
      if (!valid_identifier(id)) return input_error(fmt::format("version \"{}\": bad build metadata", shown));
    }
    v.build = std::string(build);
    core = core.substr(0, plus);
  }
  std::size_t dash = core.find('-');
  if (dash != std::string_view::npos) {
    std::string_view pre = core.substr(dash + 1);
    for (std::string_view id : split(pre, '.')) {
      if (!valid_identifier(id) || (all_digits(id) && id.size() > 1 && id[0] == '0')) {
        return input_error(fmt::format("version \"{}\": bad pre-release \"{}\"", shown, std::string(pre)));
      }
      v.prerelease.emplace_back(id);
    }
    core = core.substr(0, dash);
  }
  std::vector<std::string_view> nums = split(core, '.');
  if (nums.size() != 3) {
    return input_error(
        fmt::format("version \"{}\": expected MAJOR.MINOR.PATCH (three numbers, such as 0.19.2)", shown));
  }
  if (!parse_number(nums[0], v.major) || !parse_number(nums[1], v.minor) || !parse_number(nums[2], v.patch)) {
    return input_error(fmt::format("version \"{}\": MAJOR.MINOR.PATCH must be numbers without leading zeros", shown));
  }
  return v;
}

bool Comparator::matches(const Version& v) const {
  std::strong_ordering c = compare(v, version);
  switch (op) {
    case Op::eq: return c == 0;
    case Op::lt: return c < 0;
    case Op::le: return c <= 0;
    case Op::gt: return c > 0;
    case Op::ge: return c >= 0;
  }
  return false;
}

std::string Comparator::to_string() const {
  const char* names[] = {"=", "<", "<=", ">", ">="};
  std::string prefix = op == Op::eq ? "" : names[static_cast<int>(op)];
  return prefix + version.to_string();
}

bool VersionConstraint::matches(const Version& v) const {
  for (const std::vector<Comparator>& all : alternatives) {
    bool ok = std::all_of(all.begin(), all.end(), [&](const Comparator& c) { return c.matches(v); });
    if (!ok) continue;
    if (!v.is_prerelease()) return true;
    // A pre-release matches only when this alternative names a pre-release of the same release.
    bool named = std::any_of(all.begin(), all.end(), [&](const Comparator& c) {
      return c.version.is_prerelease() && c.version.major == v.major && c.version.minor == v.minor &&
             c.version.patch == v.patch;
    });
    if (named) return true;
  }
  return false;
}

std::string VersionConstraint::expanded() const {
  std::string out;
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    if (i) out += " || ";
    if (alternatives[i].empty()) out += "*";
    for (std::size_t j = 0; j < alternatives[i].size(); ++j) {
      if (j) out += " ";
      out += alternatives[i][j].to_string();
    }
  }
  return out;
}

Result<VersionConstraint> parse_constraint(std::string_view text) {
  VersionConstraint c;
  c.text = std::string(text);
  std::string whole(text);
  if (whole.find_first_not_of(" \t") == std::string::npos) {
    return input_error("empty version constraint (use \"*\" for any version)");
  }
  std::size_t start = 0;
  while (true) {
    std::size_t bar = whole.find("||", start);
    std::string alt = whole.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    // Join an operator separated from its version by spaces (">= 1.2.0").
    std::vector<std::string> tokens;
    std::string pending;
    for (std::string_view raw : split(alt, ' ')) {
      if (raw.empty()) continue;
      std::string tok = pending + std::string(raw);
      pending.clear();
      if (tok.find_first_not_of("<>=~^") == std::string::npos) {
        pending = tok;
        continue;
      }
      tokens.push_back(tok);
    }
    if (!pending.empty()) {
      return input_error(fmt::format("version constraint \"{}\": \"{}\" has no version after it", whole, pending));
    }
    if (tokens.empty()) {
      return input_error(fmt::format("version constraint \"{}\": empty alternative around \"||\"", whole));
    }
    std::vector<Comparator> all;
    for (const std::string& tok : tokens) {
      Result<std::vector<Comparator>> part = expand(tok, whole);
      if (!part) return tl::unexpected(part.error());
      all.insert(all.end(), part->begin(), part->end());
    }
    c.alternatives.push_back(std::move(all));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return c;
}

std::string KubeMinor::to_string() const { return fmt::format("{}.{}", major, minor); }

Result<KubeMinor> parse_kube_minor(std::string_view text) {
  std::string shown(text);
  std::string_view s = text;
  if (s.starts_with('v')) s.remove_prefix(1);
  s = s.substr(0, s.find_first_of("-+"));  // server versions carry suffixes: v1.36.0-rc.1, v1.35.2+k3s1
  std::vector<std::string_view> parts = split(s, '.');
  if (parts.size() < 2 || parts.size() > 3 || !all_digits(parts[0]) || !all_digits(parts[1]) ||
      (parts.size() == 3 && !all_digits(parts[2]))) {
    return input_error(fmt::format("Kubernetes minor \"{}\": expected MAJOR.MINOR such as \"1.35\"", shown));
  }
  KubeMinor m;
  std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), m.major);
  std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), m.minor);
  if (m.major != 1) {
    return input_error(fmt::format("Kubernetes minor \"{}\": only Kubernetes 1.x exists", shown));
  }
  return m;
}

bool MinorRange::contains(const KubeMinor& m) const {
  if (min && m < *min) return false;
  if (max && *max < m) return false;
  return true;
}

std::string MinorRange::to_string() const {
  if (min && max) return *min == *max ? min->to_string() : min->to_string() + "-" + max->to_string();
  if (min) return min->to_string() + "+";
  if (max) return "up to " + max->to_string();
  return "any";
}

}  // namespace aiplat::catalog
