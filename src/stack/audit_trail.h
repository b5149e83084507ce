#pragma once

// AuditTrail: the CloudTrail trail of the Rex stack (cloudTrail.*), recording the account's
// management events in every region to a log bucket of the stack. Only built when
// cloudTrail.enabled (RexStack decides):
//
//   Logs        a constructs::Bucket: SSE-S3, versioned, every public-access block, ACLs off,
//               a policy denying requests without TLS, a lifecycle deleting log files (and
//               their noncurrent versions) after cloudTrail.retentionDays, retained when the
//               stack goes (the log files are the audit record). Its policy also lets
//               cloudtrail.amazonaws.com read the bucket ACL and put objects under
//               AWSLogs/<account>/, both only for this trail (aws:SourceArn =
//               arn:<partition>:cloudtrail:<region>:<account>:trail/<name>), puts with
//               bucket-owner-full-control.
//   Trail       AWS::CloudTrail::Trail "<p>-<e>-trail" (kTrailSuffix): IsLogging,
//               IsMultiRegionTrail, IncludeGlobalServiceEvents and EnableLogFileValidation
//               true, management events only (CloudTrail's default selector). DependsOn the
//               bucket policy: CloudTrail checks that it may write when the trail is created.
//
// Cost: the first copy of an account's management events in a region is free; when the
// account already has a trail (an organization trail, Control Tower), this one is a second
// copy, $2.00 per 100,000 events (README "Audit trail"; rex cost lists it).
//
// Placement: a node of the construct tree (RexStack adds it as "AuditTrail": logical ids
// AuditTrailLogs, AuditTrailLogsPolicy, AuditTrailTrail).
//
// Errors (AddError, at synthesis): a null config; the bucket's (retention outside 1 to 3650).

#include <string>

#include "cfn/cloudtrail.gen.h"
#include "config/config.h"
#include "constructs/bucket.h"
#include "core/construct.h"

namespace rex::stack {

struct AuditTrailProps {
  // The stack config (naming, cloudTrail.*); read during construction only. Required.
  const config::Config* config = nullptr;
};

class AuditTrail : public core::Construct {
 public:
  static constexpr const char* kTrailSuffix = "-trail";

  AuditTrail(core::Construct& scope, std::string id, AuditTrailProps props);

  // "<p>-<e>-trail".
  static std::string TrailName(const config::Config& config);

  constructs::Bucket& bucket() { return *bucket_; }
  cfn::cloudtrail::CfnTrail& trail() { return *trail_; }

 private:
  constructs::Bucket* bucket_ = nullptr;
  cfn::cloudtrail::CfnTrail* trail_ = nullptr;
};

}  // namespace rex::stack
