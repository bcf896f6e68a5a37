#pragma once
// A bounded pool of workers for blob transfers.
#include <cstddef>
#include <functional>

#include "util/error.hpp"

namespace aiplat::airgap {

/// Whether the remaining tasks still start after one has failed.
enum class OnFailure { stop, keep_going };

/// Runs task(i) for every i in [0, count) on at most `parallel` threads. Returns the
/// first failure (in task order) with the number of other failures appended.
Result<void> run_parallel(std::size_t count, int parallel, const std::function<Result<void>(std::size_t)>& task,
                          OnFailure on_failure = OnFailure::stop);

}  // namespace aiplat::airgap
