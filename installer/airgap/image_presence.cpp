#include "airgap/image_presence.hpp"

#include <mutex>

#include "airgap/parallel.hpp"

namespace aiplat::airgap {

Result<std::vector<std::string>> missing_images(RegistryClient& registry, const std::vector<ImageReference>& images,
                                                int parallel) {
  for (const ImageReference& ref : images) {
    if (ref.registry != registry.registry()) {
      return failure("image " + ref.str() + " is not in registry " + registry.registry());
    }
  }
  std::vector<bool> absent(images.size(), false);
  std::mutex mutex;
  Result<void> done = run_parallel(
      images.size(), parallel,
      [&](std::size_t i) -> Result<void> {
        auto head = registry.head_manifest(images[i].repository, images[i].reference());
        if (!head) return tl::unexpected(head.error().with_context("checking " + images[i].str()));
        std::lock_guard lock(mutex);
        absent[i] = !head->has_value();
        return {};
      },
      OnFailure::stop);
  if (!done) return tl::unexpected(done.error());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (absent[i]) out.push_back(images[i].str());
  }
  return out;
}

}  // namespace aiplat::airgap
