#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <curl/curl.h>

#include "util/http.hpp"

namespace aiplat {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

// One lock per curl_lock_data kind, as the share interface expects.
struct ShareLocks {
  std::mutex locks[CURL_LOCK_DATA_LAST];
};

void share_lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<ShareLocks*>(user)->locks[data].lock();
}
void share_unlock(CURL*, curl_lock_data data, void* user) { static_cast<ShareLocks*>(user)->locks[data].unlock(); }

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  std::size_t body_offset = 0;
  bool aborted = false;
  long status = 0;  ///< of the response being received (the last status line seen)
};

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  bool stream = t->request->on_data && (!t->request->on_data_only_on_success || (t->status >= 200 && t->status < 300));
  if (stream) {
    if (!t->request->on_data(std::string_view(data, n))) {
      t->aborted = true;
      return 0;
    }
    return n;
  }
  t->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100-continue or a redirect)
    std::size_t space = line.find(' ');
    t->status = space == std::string_view::npos ? 0 : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  t->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t room = size * count;
  if (t->request->body_reader) {
    std::size_t n = t->request->body_reader(buffer, room);
    return n == HttpRequest::k_abort_body ? CURL_READFUNC_ABORT : n;
  }
  const std::string& body = t->request->body;
  std::size_t n = std::min(room, body.size() - t->body_offset);
  std::copy_n(body.data() + t->body_offset, n, buffer);
  t->body_offset += n;
  return n;
}

// Lets curl rewind an in-memory body, which it needs to resend a request on a new
// connection after a reused one was closed (otherwise: "necessary data rewind wasn't possible").
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->body_reader || origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (offset < 0 || static_cast<std::size_t>(offset) > t->request->body.size()) return CURL_SEEKFUNC_FAIL;
  t->body_offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

TransportError classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::timeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportError::reset;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
      return TransportError::tls;
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportError::aborted;
    default:
      return TransportError::other;
  }
}

curl_blob blob_of(const std::string& pem) {
  return curl_blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(int max_parallel) : m_max_parallel(std::max(1, max_parallel)) {
    static CurlGlobal global;
    m_share = curl_share_init();
    curl_share_setopt(m_share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(m_share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(m_share, CURLSHOPT_USERDATA, &m_locks);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }

  ~CurlTransport() override {
    for (CURL* h : m_idle) curl_easy_cleanup(h);
    curl_share_cleanup(m_share);
  }

  HttpResponse send(const HttpRequest& request) override {
    CURL* h = acquire();
    HttpResponse response;
    Transfer transfer{&request, &response};
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_SHARE, m_share);
    // The shared cache keeps at most MAXCONNECTS idle connections (default 5) and closes the
    // oldest beyond that: with more parallel requests, nearly every request opened a new TLS
    // connection. Keep one per request that can be in flight.
    curl_easy_setopt(h, CURLOPT_MAXCONNECTS, static_cast<long>(m_max_parallel));
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    if (request.timeout.count() > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, request.proxy.c_str());  // "" disables environment proxies
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, request.accept_encoding.c_str());
    // Streamed bodies are large (image blobs): bigger buffers mean far fewer callbacks and syscalls.
    if (request.on_data) curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
    if (request.body_reader) curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);

    const std::string& method = request.method;
    bool has_body = !request.body.empty() || request.body_reader;
    if (method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &transfer);
      std::optional<std::uint64_t> size = request.body_reader ? request.body_size
                                                              : std::optional<std::uint64_t>(request.body.size());
      if (size) curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(*size));
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    } else if (method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
      if (method == "POST" || method == "PUT" || method == "PATCH") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
      }
    }

    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

    if (const TlsConfig* tls = request.tls) {
      // CURL_BLOB_COPY: curl keeps its own copy of the PEM text.
      curl_blob ca = blob_of(tls->ca_pem), cert = blob_of(tls->client_cert_pem), key = blob_of(tls->client_key_pem);
      if (!tls->ca_pem.empty()) curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
      else if (!tls->ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, tls->ca_file.c_str());
      if (!tls->client_cert_pem.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
      else if (!tls->client_cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, tls->client_cert_file.c_str());
      if (!tls->client_key_pem.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
      else if (!tls->client_key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, tls->client_key_file.c_str());
      if (tls->insecure_skip_verify) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
      }
    }
    run(h, request, response, transfer);
    curl_slist_free_all(headers);
    release(h);
    return response;
  }

 private:
  void run(CURL* h, const HttpRequest& request, HttpResponse& response, Transfer& transfer) {
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode code = curl_easy_perform(h);
    if (code != CURLE_OK) {
      response.status = 0;
      response.error = transfer.aborted ? TransportError::aborted : classify(code);
      response.error_message = errbuf[0] ? errbuf : curl_easy_strerror(code);
      if (response.error == TransportError::connect || response.error == TransportError::tls ||
          response.error == TransportError::timeout) {
        response.error_message = request.url + ": " + response.error_message;
      }
      return;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  }

  CURL* acquire() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_in_flight < m_max_parallel; });
    ++m_in_flight;
    if (!m_idle.empty()) {
      CURL* h = m_idle.back();
      m_idle.pop_back();
      return h;
    }
    return curl_easy_init();
  }

  void release(CURL* h) {
    {
      std::lock_guard lock(m_mutex);
      m_idle.push_back(h);
      --m_in_flight;
    }
    m_cv.notify_one();
  }

  int m_max_parallel;
  CURLSH* m_share = nullptr;
  ShareLocks m_locks;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<CURL*> m_idle;
  int m_in_flight = 0;
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

std::string_view describe(TransportError error) {
  switch (error) {
    case TransportError::none: return "ok";
    case TransportError::connect: return "cannot connect";
    case TransportError::timeout: return "timed out";
    case TransportError::reset: return "connection reset";
    case TransportError::tls: return "TLS error";
    case TransportError::aborted: return "aborted";
    case TransportError::other: return "transport error";
  }
  return "transport error";
}

std::shared_ptr<HttpTransport> make_curl_transport(int max_parallel) {
  return std::make_shared<CurlTransport>(max_parallel);
}

}  // namespace aiplat
