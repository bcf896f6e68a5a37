// Blob uploads for RegistryClient: HEAD to skip, cross-repository mount, a
// monolithic PUT for small blobs and resumable PATCH chunks for large ones.
#include <cstdio>
#include <thread>

#include "airgap/registry_client.hpp"

namespace aiplat::airgap {
namespace {

/// Feeds [offset, offset + length) of a blob to an upload; restartable.
class RangeReader {
 public:
  RangeReader(BlobOpener open, std::uint64_t offset, std::uint64_t length, Progress* progress)
      : m_open(std::move(open)), m_offset(offset), m_length(length), m_progress(progress) {
    rewind();
  }
  /// Why the last read failed, or empty.
  [[nodiscard]] const std::string& error() const { return m_error; }
  void rewind() {
    m_sent = 0;
    auto opened = m_open(m_offset);
    if (opened) {
      m_stream = std::move(*opened);
      m_error.clear();
    } else {
      m_stream.reset();
      m_error = opened.error().message;
    }
  }
  std::size_t read(char* buffer, std::size_t size) {
    if (!m_stream) return HttpRequest::k_abort_body;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_length - m_sent, size));
    if (want == 0) return 0;
    auto n = m_stream->read(buffer, want);
    if (!n || *n == 0) {
      m_error = n ? "the blob ended early" : n.error().message;
      return HttpRequest::k_abort_body;  // never send a short or unverified body
    }
    m_sent += *n;
    if (m_progress && m_sent > m_reported) {
      m_progress->advance(m_sent - m_reported);
      m_reported = m_sent;
    }
    return *n;
  }

 private:
  BlobOpener m_open;
  std::unique_ptr<BlobStream> m_stream;
  std::uint64_t m_offset;
  std::uint64_t m_length;
  std::uint64_t m_sent = 0;
  std::uint64_t m_reported = 0;  // never count the same bytes twice after a retry
  Progress* m_progress;
  std::string m_error;
};

std::string with_query(const std::string& location, const std::string& query) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") + query;
}

/// The end offset from a "Range: 0-N" header, or -1 when absent.
long long range_end(const std::string& range) {
  std::size_t dash = range.find('-');
  if (dash == std::string::npos) return -1;
  try {
    return std::stoll(range.substr(dash + 1));
  } catch (...) {
    return -1;
  }
}

}  // namespace

Result<BlobPush> RegistryClient::push_blob(const std::string& repo, const Descriptor& blob,
                                           const std::filesystem::path& src, const std::string& mount_from) {
  return push_blob(repo, blob, file_blob_opener(src, blob.size), mount_from);
}

Result<BlobPush> RegistryClient::push_blob(const std::string& repo, const Descriptor& blob, const BlobOpener& src,
                                           const std::string& mount_from) {
  // An upload session can vanish when the registry restarts; start over a few times.
  Result<BlobPush> result;
  for (int round = 1; round <= 3; ++round) {
    result = push_once(repo, blob, src, mount_from);
    if (result || result.error().message.find("BLOB_UPLOAD_UNKNOWN") == std::string::npos) return result;
    if (m_progress) m_progress->note("upload of " + blob.digest + " was lost by the registry; starting it again");
  }
  return result;
}

Result<BlobPush> RegistryClient::push_once(const std::string& repo, const Descriptor& blob, const BlobOpener& src,
                                           const std::string& mount_from) {
  std::string what = "pushing blob " + blob.digest + " to " + m_registry + "/" + repo;
  auto present = blob_exists(repo, blob.digest);
  if (!present) return tl::unexpected(present.error());
  if (*present) return BlobPush::present;

  std::string scope = repo_scope(repo, true);
  HttpRequest start;
  start.method = "POST";
  start.url = url("/v2/" + repo + "/blobs/uploads/");
  start.timeout = std::chrono::seconds(120);
  if (!mount_from.empty() && mount_from != repo) {
    start.url += "?mount=" + blob.digest + "&from=" + mount_from;
    scope += " " + repo_scope(mount_from, false);
  }
  HttpResponse started = send(start, scope);
  if (started.ok() && started.status == 201) return BlobPush::mounted;
  if (!started.ok() || started.status != 202) return tl::unexpected(http_error(what, started));
  std::string location = started.header("location");
  if (location.empty()) return failure(what + ": registry gave no upload location");
  location = absolute(location);

  if (blob.size > m_options.chunk_size) {
    auto chunks = upload_chunks(what, blob, src, location, scope);
    if (!chunks) return tl::unexpected(chunks.error());
    HttpRequest finish;
    finish.method = "PUT";
    finish.url = with_query(location, "digest=" + blob.digest);
    finish.timeout = std::chrono::minutes(10);
    HttpResponse done = send(finish, scope);
    if (!done.ok() || done.status != 201) return tl::unexpected(http_error(what, done));
    return BlobPush::pushed;
  }

  auto reader = std::make_shared<RangeReader>(src, 0, blob.size, m_progress);
  if (!reader->error().empty()) return failure(what + ": " + reader->error());
  HttpRequest put;
  put.method = "PUT";
  put.url = with_query(location, "digest=" + blob.digest);
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  put.body_reader = [reader](char* buffer, std::size_t size) { return reader->read(buffer, size); };
  put.body_size = blob.size;
  HttpResponse done = send(put, scope, [reader] { reader->rewind(); });
  if (!reader->error().empty()) return failure(what + ": " + reader->error());
  if (!done.ok() || done.status != 201) return tl::unexpected(http_error(what, done));
  return BlobPush::pushed;
}

Result<void> RegistryClient::upload_chunks(const std::string& what, const Descriptor& blob, const BlobOpener& src,
                                           std::string& location,
                                           const std::string& scope) {
  std::uint64_t offset = 0;
  int failures = 0;
  while (offset < blob.size) {
    std::uint64_t length = std::min<std::uint64_t>(m_options.chunk_size, blob.size - offset);
    auto reader = std::make_shared<RangeReader>(src, offset, length, m_progress);
    if (!reader->error().empty()) return failure(what + ": " + reader->error());
    HttpRequest patch;
    patch.method = "PATCH";
    patch.url = location;
    patch.headers.emplace_back("Content-Type", "application/octet-stream");
    patch.headers.emplace_back("Content-Range", std::to_string(offset) + "-" + std::to_string(offset + length - 1));
    patch.body_reader = [reader](char* buffer, std::size_t size) { return reader->read(buffer, size); };
    patch.body_size = length;
    // One attempt: after a failure the registry may hold part of the chunk, so ask it where to resume.
    HttpResponse sent = send(patch, scope, [reader] { reader->rewind(); }, 1);
    if (!reader->error().empty()) return failure(what + ": " + reader->error());
    if (sent.ok() && sent.status == 202) {
      if (std::string next = sent.header("location"); !next.empty()) location = absolute(next);
      long long end = range_end(sent.header("range"));
      offset = end >= 0 ? static_cast<std::uint64_t>(end) + 1 : offset + length;
      failures = 0;
      continue;
    }
    if (!is_retryable(sent) || ++failures >= m_options.max_attempts) return tl::unexpected(http_error(what, sent));
    std::this_thread::sleep_for(retry_delay(sent, failures, m_options.backoff));
    HttpRequest status;
    status.url = location;
    status.timeout = std::chrono::seconds(60);
    HttpResponse state = send(status, scope);
    if (!state.ok() || state.status != 204) {
      if (state.ok() && state.status == 404) return failure(what + ": BLOB_UPLOAD_UNKNOWN after a failed chunk");
      return tl::unexpected(http_error(what + " (upload status)", state));
    }
    if (std::string next = state.header("location"); !next.empty()) location = absolute(next);
    long long end = range_end(state.header("range"));
    offset = end >= 0 ? static_cast<std::uint64_t>(end) + 1 : 0;
    if (m_progress) m_progress->note(what + ": resuming at byte " + std::to_string(offset));
  }
  return {};
}

}  // namespace aiplat::airgap
