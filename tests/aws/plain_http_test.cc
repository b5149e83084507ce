// aws::PlainHttpWarning: plain http to another machine is warned about (NoEcho values would
// cross the network in clear); https and loopback endpoints (moto, LocalStack, the fake) are not.
#include <gtest/gtest.h>

#include "aws/endpoints.h"

namespace rex::aws {
namespace {

TEST(PlainHttpWarning, NamesTheOriginForPlainHttpToAnotherHost) {
  EXPECT_EQ(PlainHttpWarning("http://10.0.0.5:4566/").value_or(""),
            "--endpoint-url http://10.0.0.5:4566 is plain http to a host that is not this "
            "machine: requests, NoEcho parameter values included, cross the network "
            "unencrypted; use https");
  EXPECT_TRUE(PlainHttpWarning("http://localstack.example.com").has_value());
  EXPECT_TRUE(PlainHttpWarning("HTTP://moto.internal:5000").has_value());
}

TEST(PlainHttpWarning, NoneForHttpsLoopbackOrNoEndpoint) {
  EXPECT_FALSE(PlainHttpWarning("").has_value());
  EXPECT_FALSE(PlainHttpWarning("https://10.0.0.5:4566").has_value());
  EXPECT_FALSE(PlainHttpWarning("http://127.0.0.1:5000").has_value());
  EXPECT_FALSE(PlainHttpWarning("http://127.1.2.3").has_value());
  EXPECT_FALSE(PlainHttpWarning("http://localhost:4566/").has_value());
  EXPECT_FALSE(PlainHttpWarning("http://[::1]:4566").has_value());
  EXPECT_FALSE(PlainHttpWarning("not a url").has_value());
}

}  // namespace
}  // namespace rex::aws
