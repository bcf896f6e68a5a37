#include "kube/apply_set.hpp"

#include <array>

#include "util/sha256.hpp"

namespace aiplat::kube {
namespace {

std::string hex_to_bytes(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

/// RFC 4648 base64url without padding (Go's base64.RawURLEncoding).
std::string base64url(const std::string& bytes) {
  static constexpr std::array<char, 65> k_alphabet{
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"};
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
  }
  return out;
}

std::set<std::string> split_list(const std::string& text) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.insert(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join_list(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

std::string applyset_id(const std::string& name, const std::string& ns, const std::string& kind,
                        const std::string& group) {
  std::string unencoded = name + "." + ns + "." + kind + "." + group;
  return "applyset-" + base64url(hex_to_bytes(sha256_hex(unencoded))) + "-v1";
}

std::string group_kind_of(const GroupVersionKind& gvk) {
  return gvk.group.empty() ? gvk.kind : gvk.kind + "." + gvk.group;
}

std::pair<std::string, std::string> split_group_kind(const std::string& group_kind) {
  std::size_t dot = group_kind.find('.');
  if (dot == std::string::npos) return {group_kind, ""};
  return {group_kind.substr(0, dot), group_kind.substr(dot + 1)};
}

ApplySetParent ApplySetParent::config_map(const std::string& name, const std::string& ns, const std::string& tooling) {
  ApplySetParent p;
  p.name = name;
  p.ns = ns;
  p.id = applyset_id(name, ns, "ConfigMap", "");
  p.tooling = tooling;
  return p;
}

void ApplySetParent::merge_from(const Json& live_parent) {
  const Json annotations = live_parent.value("/metadata/annotations"_json_pointer, Json::object());
  if (auto it = annotations.find(k_applyset_group_kinds); it != annotations.end() && it->is_string()) {
    for (const std::string& gk : split_list(it->get<std::string>())) group_kinds.insert(gk);
  }
  if (auto it = annotations.find(k_applyset_namespaces); it != annotations.end() && it->is_string()) {
    for (const std::string& n : split_list(it->get<std::string>())) {
      if (n != ns) namespaces.insert(n);
    }
  }
}

void ApplySetParent::add_members(const std::vector<Json>& members) {
  for (const Json& m : members) {
    GroupVersionKind gvk = GroupVersionKind::from(m.value("apiVersion", ""), m.value("kind", ""));
    group_kinds.insert(group_kind_of(gvk));
    std::string member_ns = m.value("/metadata/namespace"_json_pointer, std::string());
    if (!member_ns.empty() && member_ns != ns) namespaces.insert(member_ns);
  }
}

Json ApplySetParent::to_object(const Json& data) const {
  Json o = {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata",
             {{"name", name},
              {"namespace", ns},
              {"labels", {{k_applyset_id_label, id}, {"app.kubernetes.io/managed-by", "aiplat"}}},
              {"annotations",
               {{k_applyset_tooling, tooling},
                {k_applyset_group_kinds, join_list(group_kinds)},
                {k_applyset_namespaces, join_list(namespaces)}}}}},
            {"data", data}};
  return o;
}

Json with_part_of(const Json& object, const std::string& id) {
  Json copy = object;
  copy["metadata"]["labels"][k_applyset_part_of_label] = id;
  return copy;
}

}  // namespace aiplat::kube
