#include "airgap/hash_worker.hpp"

#include <memory>

#include "util/sha256.hpp"

namespace aiplat::airgap {
namespace {

constexpr std::size_t k_buffer = 1 << 20;
constexpr std::size_t k_depth = 4;  // buffers queued at most

}  // namespace

HashWorker::HashWorker() : m_thread([this] { run(); }) { m_current.reserve(k_buffer); }

HashWorker::~HashWorker() { finish(); }

void HashWorker::update(std::string_view data) {
  while (!data.empty()) {
    std::size_t take = std::min(data.size(), k_buffer - m_current.size());
    m_current.append(data.substr(0, take));
    data.remove_prefix(take);
    if (m_current.size() == k_buffer) submit(false);
  }
}

void HashWorker::end_entry() { submit(true); }

void HashWorker::submit(bool end) {
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [&] { return m_queue.size() < k_depth; });
  m_queue.push_back({std::move(m_current), end});
  m_cv.notify_all();
  if (!m_free.empty()) {
    m_current = std::move(m_free.back());
    m_free.pop_back();
  } else {
    m_current = std::string();
    m_current.reserve(k_buffer);
  }
  m_current.clear();
}

void HashWorker::run() {
  auto hash = std::make_unique<Sha256>();
  for (;;) {
    Item item;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [&] { return !m_queue.empty() || m_stop; });
      if (m_queue.empty()) return;
      item = std::move(m_queue.front());
      m_queue.pop_front();
      m_cv.notify_all();
    }
    hash->update(item.data);
    std::string digest;
    if (item.end) {
      digest = hash->hex();
      hash = std::make_unique<Sha256>();
    }
    item.data.clear();
    std::lock_guard lock(m_mutex);
    if (item.end) m_digests.push_back(std::move(digest));
    m_free.push_back(std::move(item.data));
  }
}

std::vector<std::string> HashWorker::finish() {
  if (m_thread.joinable()) {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
      m_cv.notify_all();
    }
    m_thread.join();
  }
  return m_digests;
}

}  // namespace aiplat::airgap
