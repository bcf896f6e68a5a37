#include "airgap/entry_hash_pool.hpp"

#include <algorithm>

#include "util/sha256.hpp"

namespace aiplat::airgap {
namespace {

constexpr std::size_t k_buffer = 1 << 20;
constexpr std::size_t k_max_threads = 3;

}  // namespace

EntryHashPool::EntryHashPool(std::filesystem::path file, std::size_t threads) : m_file(std::move(file)) {
  for (std::size_t i = 0; i < threads; ++i) m_threads.emplace_back([this] { run(); });
}

EntryHashPool::~EntryHashPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_jobs.clear();
  }
  m_cv.notify_all();
  for (auto& t : m_threads) t.join();
}

std::size_t EntryHashPool::default_threads() {
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(cores - 1, k_max_threads);
}

bool EntryHashPool::offer(std::size_t id, FrameStart frame, std::uint64_t size) {
  std::lock_guard lock(m_mutex);
  if (m_idle <= m_jobs.size() || m_error) return false;
  m_jobs.push_back({id, frame, size});
  m_cv.notify_one();
  return true;
}

void EntryHashPool::run() {
  std::vector<char> buffer(k_buffer);
  std::unique_lock lock(m_mutex);
  for (;;) {
    ++m_idle;
    m_cv.notify_all();  // finish() waits for every thread to be idle
    m_cv.wait(lock, [&] { return m_stop || !m_jobs.empty(); });
    --m_idle;
    if (m_stop) return;
    Job job = m_jobs.front();
    m_jobs.pop_front();
    lock.unlock();
    auto digest = hash(job, buffer);
    lock.lock();
    if (digest) {
      m_digests[job.id] = std::move(*digest);
    } else if (!m_error) {
      m_error = digest.error();
    }
  }
}

Result<std::string> EntryHashPool::hash(const Job& job, std::vector<char>& buffer) {
  auto reader = ZstdFrameReader::open(m_file, job.frame);
  if (!reader) return tl::unexpected(reader.error());
  Sha256 sha;
  std::uint64_t left = job.size;
  while (left > 0) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stop) return failure("stopped");
    }
    auto n = (*reader)->read(buffer.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size())));
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return input_error(m_file.string() + " ends inside an entry");
    sha.update(std::string_view(buffer.data(), *n));
    left -= *n;
  }
  return sha.hex();
}

Result<std::map<std::size_t, std::string>> EntryHashPool::finish() {
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [&] { return m_jobs.empty() && m_idle == m_threads.size(); });
  if (m_error) return tl::unexpected(*m_error);
  return m_digests;
}

}  // namespace aiplat::airgap
