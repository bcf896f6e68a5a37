#pragma once
// Errors travel up as values (tl::expected); only the CLI layer turns them into
// messages and exit codes. Each layer adds its context once.
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace aiplat {

/// Why an operation failed; decides the exit code at the CLI layer.
enum class ErrorKind {
  input,      ///< bad flags, files or versions: the user must change something (exit 2)
  failed,     ///< the operation was attempted and failed (exit 1)
  cancelled,  ///< interrupted by a signal (exit 130)
};

struct Error {
  ErrorKind kind = ErrorKind::failed;
  std::string message;

  /// Returns a copy with "context: " put in front of the message.
  [[nodiscard]] Error with_context(const std::string& context) const {
    return Error{kind, context + ": " + message};
  }
};

template <class T>
using Result = tl::expected<T, Error>;

/// Shorthand for returning an input error.
inline tl::unexpected<Error> input_error(std::string message) {
  return tl::unexpected(Error{ErrorKind::input, std::move(message)});
}

/// Shorthand for returning an operation failure.
inline tl::unexpected<Error> failure(std::string message) {
  return tl::unexpected(Error{ErrorKind::failed, std::move(message)});
}

/// Shorthand for returning a cancellation.
inline tl::unexpected<Error> cancelled(std::string message) {
  return tl::unexpected(Error{ErrorKind::cancelled, std::move(message)});
}

}  // namespace aiplat
