#pragma once
// List merge semantics: built-in kinds use the keys Kubernetes' own types declare
// (containers by name, ports by containerPort and protocol, ...); custom resources
// use x-kubernetes-list-type from their CRD schema and are atomic otherwise.
#include "fieldset.hpp"

namespace kubesim {

/// Built-in kinds: keys by field name (and its parent for "ports").
class BuiltinListTypes final : public ListTypeOracle {
 public:
  [[nodiscard]] ListType list_type(const std::vector<std::string>& field_names) const override;
};

/// A custom resource version's openAPIV3Schema; metadata falls back to the built-in rules.
class SchemaListTypes final : public ListTypeOracle {
 public:
  explicit SchemaListTypes(Json schema) : m_schema(std::move(schema)) {}
  [[nodiscard]] ListType list_type(const std::vector<std::string>& field_names) const override;

 private:
  Json m_schema;
};

}  // namespace kubesim
