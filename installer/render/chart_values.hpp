#pragma once
// What value keys a packaged Helm chart accepts: its values.yaml and values.schema.json, and
// those of its subcharts (vendored directories or nested archives under charts/), so
// `catalog lint --strict` can name a catalog value key that the chart would silently ignore.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat::render {

/// The defaults and schema of one chart, with its subcharts by the key their values go under
/// (the dependency's alias, else its name).
struct ChartValues {
  std::string name;
  nlohmann::json values = nlohmann::json::object();  ///< values.yaml ({} when absent)
  nlohmann::json schema;                             ///< values.schema.json, or null
  std::set<std::string> referenced;                  ///< "a.b" for each `.Values.a.b` in its own templates
  std::map<std::string, ChartValues> subcharts;
};

/// Reads a chart archive (.tgz, as `helm package` writes it). Errors name the archive.
Result<ChartValues> read_chart_values(const std::string& archive_path);

/// The keys of `values` the chart does not have, as dotted paths ("driver.enabeld"). A key is
/// known when values.yaml has it, the schema declares it (or allows any property there), a
/// template reads it (`.Values.dcgmExporter.imagePullSecrets` with no default), or it sits below
/// a default that is empty or not a map (free-form, e.g. `podAnnotations: {}`).
/// `global` is known everywhere; a subchart's key is checked against that subchart.
std::vector<std::string> unknown_value_keys(const nlohmann::json& values, const ChartValues& chart);

}  // namespace aiplat::render
