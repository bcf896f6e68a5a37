#include "file_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace aiplat::testing {
namespace {

constexpr int k_poll_ms = 100;         // how often the accept loop checks for stop
constexpr int k_read_timeout_ms = 5000; // a client that sends no request in time is dropped

void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

FileServer::FileServer(std::string root) : m_root(std::move(root)) {
  m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listen_fd, 16) != 0) {
    throw std::runtime_error("bind/listen on 127.0.0.1 failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { serve(); });
}

FileServer::~FileServer() {
  m_stop = true;
  if (m_thread.joinable()) m_thread.join();
  ::close(m_listen_fd);
}

std::string FileServer::url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

std::vector<std::string> FileServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

void FileServer::serve() {
  while (!m_stop) {
    pollfd p{m_listen_fd, POLLIN, 0};
    if (::poll(&p, 1, k_poll_ms) <= 0) continue;
    int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void FileServer::handle(int fd) {
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, k_read_timeout_ms) <= 0) return;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    head.append(buf, static_cast<std::size_t>(n));
  }
  std::istringstream line(head.substr(0, head.find("\r\n")));
  std::string method, target;
  line >> method >> target;
  std::string path = target.substr(0, target.find('?'));
  {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(method + " " + path);
  }
  std::filesystem::path file = std::filesystem::path(m_root) / path.substr(path.empty() ? 0 : 1);
  std::error_code ec;
  bool ok = path.find("..") == std::string::npos && std::filesystem::is_regular_file(file, ec);
  if (!ok || (method != "GET" && method != "HEAD")) {
    send_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n");
    return;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  std::string content = body.str();
  std::string type = file.extension() == ".yaml" ? "application/yaml" : "application/octet-stream";
  send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(content.size()) +
                   "\r\nConnection: close\r\n\r\n" + (method == "HEAD" ? std::string() : content));
}

}  // namespace aiplat::testing
