#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "aws/transport.h"

namespace rex::aws {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using SteadyClock = std::chrono::steady_clock;

// One exchange: the answer as it arrives, and when the server last sent (or rex last wrote)
// something, for the read timeout.
struct Transfer {
  HttpResponse response;
  SteadyClock::time_point last_activity = SteadyClock::now();
  curl_off_t uploaded = 0;
  std::chrono::milliseconds read_timeout{0};
  bool read_timed_out = false;
  CURL* handle = nullptr;
  bool tls = false;  // https: connected once the TLS handshake is done
};

// Whether the connection (TCP, and TLS for https) is up: until then the connect timeout
// applies, not the read timeout.
bool Connected(const Transfer& transfer) {
  curl_off_t connected = 0;
  curl_easy_getinfo(transfer.handle,
                    transfer.tls ? CURLINFO_APPCONNECT_TIME_T : CURLINFO_CONNECT_TIME_T,
                    &connected);
  return connected > 0;
}

// "30s", or "1.5s" for a limit that is not whole seconds.
std::string Seconds(std::chrono::milliseconds limit) {
  if (limit.count() % 1000 == 0) return std::to_string(limit.count() / 1000) + "s";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1fs", static_cast<double>(limit.count()) / 1000.0);
  return buffer;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->response.body.append(data, size * count);
  transfer->last_activity = SteadyClock::now();
  return size * count;
}

// Called by curl about once a second while it waits, and whenever data moves: aborts the
// transfer once the server has been silent for longer than the read timeout after the
// connection was made and the request written.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  auto* transfer = static_cast<Transfer*>(user);
  auto now = SteadyClock::now();
  if (ulnow != transfer->uploaded || !Connected(*transfer)) {
    transfer->uploaded = ulnow;
    transfer->last_activity = now;
  }
  if (now - transfer->last_activity > transfer->read_timeout) {
    transfer->read_timed_out = true;
    return 1;
  }
  return 0;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->last_activity = SteadyClock::now();
  HttpResponse* response = &transfer->response;
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line (after 100 Continue or a proxy CONNECT) starts a fresh header set.
    response->headers.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

// Loads every certificate of the PEM file `data` (a std::string path) into the TLS context's
// store, next to the ones already there.
CURLcode AddCaBundle(CURL*, void* ssl_ctx, void* data) {
  const std::string& path = *static_cast<const std::string*>(data);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
  if (!bio || store == nullptr) return CURLE_SSL_CACERT_BADFILE;
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, cert) == 1) ++added;
    X509_free(cert);
  }
  ERR_clear_error();  // the end of the file leaves a "no start line" entry behind
  return added > 0 ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
    GlobalInit();
  }

  base::Result<HttpResponse> Send(const HttpRequest& request) override {
    REX_ASSIGN_OR_RETURN(Url url, ParseUrl(request.url));
    std::string where = request.method + " " + url.Origin() + url.path;
    if (url.scheme != "http" && url.scheme != "https") {
      return base::InvalidArgument(where + ": only http and https URLs are supported");
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return base::Internal("curl_easy_init failed");
    CURL* h = curl.get();
    Transfer transfer;
    const std::chrono::milliseconds connect_timeout =
        std::min(request.connect_timeout, options_.timeouts.connect);
    transfer.read_timeout = std::min(request.read_timeout, options_.timeouts.read);
    transfer.handle = h;
    transfer.tls = url.scheme == "https";
    char error_buffer[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!options_.ca_bundle.empty()) {
      // Added to the store curl has already loaded (the system's), not replacing it.
      curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &AddCaBundle);
      curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &options_.ca_bundle);
    }
    bool link_local = url.host.rfind("169.254.", 0) == 0 || url.host.rfind("[fd00:ec2", 0) == 0;
    const std::string& proxy =
        url.scheme == "https" ? options_.proxy.https_proxy : options_.proxy.http_proxy;
    // Always set explicitly: curl would otherwise read the environment on its own.
    curl_easy_setopt(h, CURLOPT_PROXY, link_local ? "" : proxy.c_str());
    if (!link_local && !proxy.empty() && !options_.proxy.no_proxy.empty()) {
      curl_easy_setopt(h, CURLOPT_NOPROXY, options_.proxy.no_proxy.c_str());
    }
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);

    if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }

    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                        &curl_slist_free_all);
    bool has_content_type = false;
    for (const auto& [name, value] : request.headers) {
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
      if (strcasecmp(name.c_str(), "content-type") == 0) has_content_type = true;
    }
    headers.reset(curl_slist_append(headers.release(), "Expect:"));
    if (!has_content_type) {
      // curl would otherwise send application/x-www-form-urlencoded with a POST body.
      headers.reset(curl_slist_append(headers.release(), "Content-Type:"));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    // The connect timeout (CURLOPT_CONNECTTIMEOUT) covers TCP and TLS; the read timeout starts
    // once both are done.
    transfer.last_activity = SteadyClock::now();
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
      if (rc == CURLE_ABORTED_BY_CALLBACK && transfer.read_timed_out) {
        return base::DeadlineExceeded(where + ": no answer within the read timeout of " +
                                      Seconds(transfer.read_timeout) + " (REX_READ_TIMEOUT)");
      }
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        if (!Connected(transfer)) {
          return base::DeadlineExceeded(where +
                                        ": could not connect within the connect timeout of " +
                                        Seconds(connect_timeout) + " (REX_CONNECT_TIMEOUT)");
        }
        return base::DeadlineExceeded(where + ": timed out: no complete answer within " +
                                      Seconds(request.timeout) + " (REX_HTTP_TIMEOUT)");
      }
      if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        return base::InvalidArgument(where + ": " + detail);
      }
      return base::Unavailable(where + ": " + detail);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    return std::move(transfer.response);
  }

 private:
  CurlTransportOptions options_;
};

}  // namespace

ProxySettings ProxySettingsFromEnvironment(const EnvLookup& env) {
  auto first = [&env](const char* upper, const char* lower) {
    for (const char* name : {upper, lower}) {
      auto value = env ? env(name) : std::nullopt;
      if (value && !value->empty()) return *value;
    }
    return std::string();
  };
  return ProxySettings{.http_proxy = first("HTTP_PROXY", "http_proxy"),
                       .https_proxy = first("HTTPS_PROXY", "https_proxy"),
                       .no_proxy = first("NO_PROXY", "no_proxy")};
}

base::Result<TransportTimeouts> TimeoutsFromEnvironment(const EnvLookup& env) {
  TransportTimeouts timeouts;
  for (auto [name, limit] : {std::pair{"REX_CONNECT_TIMEOUT", &timeouts.connect},
                             std::pair{"REX_READ_TIMEOUT", &timeouts.read}}) {
    auto value = env ? env(name) : std::nullopt;
    if (!value || value->empty()) continue;
    int seconds = 0;
    auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
    if (ec != std::errc() || ptr != value->data() + value->size() || seconds < 1 ||
        seconds > 3600) {
      return base::InvalidArgument(std::string(name) +
                                   " must be a whole number of seconds from 1 to 3600; got \"" +
                                   value->substr(0, 32) + "\"");
    }
    *limit = std::chrono::seconds(seconds);
  }
  return timeouts;
}

base::Status CheckCaBundle(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
  if (!bio) {
    return base::InvalidArgument("AWS_CA_BUNDLE " + path +
                                 ": cannot be read (a PEM file of CA certificates is expected)");
  }
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (cert == nullptr) {
    return base::InvalidArgument("AWS_CA_BUNDLE " + path +
                                 ": holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")");
  }
  X509_free(cert);
  return base::Status::Ok();
}

std::unique_ptr<HttpTransport> NewCurlTransport(CurlTransportOptions options) {
  return std::make_unique<CurlTransport>(std::move(options));
}

}  // namespace rex::aws
