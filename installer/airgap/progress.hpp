#pragma once
// How the airgap layer reports long transfers. The CLI layer implements it (bars on a
// tty, plain lines otherwise, NDJSON with -o json); library code only calls it.
// Implementations must be safe to call from several worker threads at once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aiplat::airgap {

class Progress {
 public:
  virtual ~Progress() = default;
  /// A phase starts ("pull", "write", "verify", "push"): `items` things of `bytes` bytes in total.
  virtual void phase(const std::string& name, std::size_t items, std::uint64_t bytes) = 0;
  /// `bytes` more bytes of the current phase moved.
  virtual void advance(std::uint64_t bytes) = 0;
  /// One item finished; `status` is "pulled", "pushed", "mounted", "present", "written", "verified".
  virtual void item(const std::string& name, std::uint64_t bytes, std::string_view status) = 0;
  /// A transfer is being retried, or something else worth one line.
  virtual void note(const std::string& message) = 0;
  /// The current phase ended.
  virtual void phase_done() = 0;
};

/// Reports nothing; for callers that do not care.
class NullProgress final : public Progress {
 public:
  void phase(const std::string&, std::size_t, std::uint64_t) override {}
  void advance(std::uint64_t) override {}
  void item(const std::string&, std::uint64_t, std::string_view) override {}
  void note(const std::string&) override {}
  void phase_done() override {}
};

}  // namespace aiplat::airgap
