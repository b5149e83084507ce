#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <strings.h>

#include <cstdio>
#include <mutex>

#include "aws/transport.h"

namespace rex::aws {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
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
    HttpResponse response;
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
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);

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

    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        return base::DeadlineExceeded(where + ": timed out: " + detail);
      }
      if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        return base::InvalidArgument(where + ": " + detail);
      }
      return base::Unavailable(where + ": " + detail);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
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
