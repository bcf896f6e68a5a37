#include "airgap/async_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aiplat::airgap {

AsyncWriter::AsyncWriter(int fd, std::string name, std::size_t capacity, std::size_t depth)
    : m_fd(fd), m_name(std::move(name)), m_capacity(capacity), m_depth(depth < 1 ? 1 : depth), m_thread([this] { run(); }) {
  m_current.reserve(m_capacity);
}

AsyncWriter::~AsyncWriter() { (void)finish(); }

void AsyncWriter::run() {
  for (;;) {
    std::string data;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [&] { return !m_full.empty() || m_stop; });
      if (m_full.empty()) return;
      data = std::move(m_full.front());
      m_full.pop_front();
      ++m_writing;
    }
    std::size_t done = 0;
    std::string error;
    while (done < data.size()) {
      ssize_t n = ::write(m_fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error = "writing " + m_name + ": " + std::strerror(errno) + " (disk full?)";
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    // Start writeback as we go (without waiting for it), so the fsync at the end has little left.
    if (error.empty() && !data.empty()) {
      ::sync_file_range(m_fd, static_cast<off64_t>(m_written), static_cast<off64_t>(data.size()), SYNC_FILE_RANGE_WRITE);
      m_written += data.size();
    }
    data.clear();
    std::lock_guard lock(m_mutex);
    --m_writing;
    if (!error.empty() && m_error.empty()) m_error = error;
    m_free.push_back(std::move(data));
    m_cv.notify_all();
  }
}

Result<void> AsyncWriter::submit() {
  std::unique_lock lock(m_mutex);
  if (!m_error.empty()) return failure(m_error);
  m_full.push_back(std::move(m_current));
  m_cv.notify_all();
  m_cv.wait(lock, [&] { return m_full.size() + m_writing < m_depth || !m_error.empty(); });
  if (!m_free.empty()) {
    m_current = std::move(m_free.back());
    m_free.pop_back();
  } else {
    m_current = std::string();
    m_current.reserve(m_capacity);
  }
  m_current.clear();
  if (!m_error.empty()) return failure(m_error);
  return {};
}

Result<void> AsyncWriter::finish() {
  if (!m_thread.joinable()) return m_error.empty() ? Result<void>() : failure(m_error);
  {
    std::lock_guard lock(m_mutex);
    if (!m_current.empty()) m_full.push_back(std::move(m_current));
    m_current.clear();
    m_stop = true;
    m_cv.notify_all();
  }
  m_thread.join();
  // On disk before the caller renames it into place: a crash never leaves a short file under the final name.
  if (m_fd >= 0 && m_error.empty() && ::fsync(m_fd) != 0) m_error = "syncing " + m_name + ": " + std::strerror(errno);
  if (m_fd >= 0 && ::close(m_fd) != 0 && m_error.empty()) m_error = "closing " + m_name + ": " + std::strerror(errno);
  m_fd = -1;
  if (!m_error.empty()) return failure(m_error);
  return {};
}

}  // namespace aiplat::airgap
