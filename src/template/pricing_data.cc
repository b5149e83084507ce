// The built-in price table of `rex cost`: AWS on-demand list prices for us-east-1 (N.
// Virginia), in USD, without free tier, Savings Plans or reserved capacity. Data, not code:
// every price names its source (the AWS pricing page) and the date it was entered. Update a
// price by editing its entry and its "entered" date; tests/template/cost_test.cc pins the figures
// the dev preset uses, so a change shows up as a reviewed test diff.
//
// Format: "prices" maps a key ("<service>.<what>") to {usd, unit, description, source};
// "source" names an entry of "sources" ({url, entered}).

#include "template/pricing.h"

namespace rex::tmpl {

std::string_view BuiltInPricingJson() {
  return R"json({
  "region": "us-east-1",
  "currency": "USD",
  "as_of": "2026-11-26",
  "note": "on-demand list prices, us-east-1, before free tier and discounts; each figure was entered from the page named by its source on the date given there (re-check the page before relying on a figure); rex never fetches prices at run time",
  "sources": {
    "aurora": {"url": "https://aws.amazon.com/rds/aurora/pricing/", "entered": "2026-11-26"},
    "elasticache": {"url": "https://aws.amazon.com/elasticache/pricing/", "entered": "2026-11-26"},
    "fargate": {"url": "https://aws.amazon.com/fargate/pricing/", "entered": "2026-11-26"},
    "vpc": {"url": "https://aws.amazon.com/vpc/pricing/", "entered": "2026-11-26"},
    "elb": {"url": "https://aws.amazon.com/elasticloadbalancing/pricing/", "entered": "2026-11-26"},
    "cloudwatch": {"url": "https://aws.amazon.com/cloudwatch/pricing/", "entered": "2026-11-26"},
    "secretsmanager": {"url": "https://aws.amazon.com/secrets-manager/pricing/", "entered": "2026-11-26"},
    "ecr": {"url": "https://aws.amazon.com/ecr/pricing/", "entered": "2026-11-26"},
    "amplify": {"url": "https://aws.amazon.com/amplify/pricing/", "entered": "2026-11-26"},
    "waf": {"url": "https://aws.amazon.com/waf/pricing/", "entered": "2026-11-26"},
    "route53": {"url": "https://aws.amazon.com/route53/pricing/", "entered": "2026-11-26"},
    "cloudmap": {"url": "https://aws.amazon.com/cloud-map/pricing/", "entered": "2026-11-26"},
    "kms": {"url": "https://aws.amazon.com/kms/pricing/", "entered": "2026-11-26"},
    "sns": {"url": "https://aws.amazon.com/sns/pricing/", "entered": "2026-11-26"},
    "s3": {"url": "https://aws.amazon.com/s3/pricing/", "entered": "2026-12-02"},
    "sqs": {"url": "https://aws.amazon.com/sqs/pricing/", "entered": "2026-12-02"},
    "scheduler": {"url": "https://aws.amazon.com/eventbridge/pricing/", "entered": "2026-12-02"},
    "data_transfer": {"url": "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer", "entered": "2026-12-02"},
    "aurora_backup": {"url": "https://aws.amazon.com/rds/aurora/pricing/", "entered": "2026-12-02"},
    "elasticache_backup": {"url": "https://aws.amazon.com/elasticache/pricing/", "entered": "2026-12-02"},
    "backup": {"url": "https://aws.amazon.com/backup/pricing/", "entered": "2026-12-02"},
    "cloudtrail": {"url": "https://aws.amazon.com/cloudtrail/pricing/", "entered": "2026-12-02"}
  },
  "prices": {
    "aurora.serverless_v2.acu_hour": {"usd": 0.12, "unit": "ACU-hour", "source": "aurora",
      "description": "Aurora Serverless v2 capacity, Aurora Standard"},
    "aurora.serverless_v2.iopt.acu_hour": {"usd": 0.156, "unit": "ACU-hour", "source": "aurora",
      "description": "Aurora Serverless v2 capacity, Aurora I/O-Optimized"},
    "aurora.storage.gb_month": {"usd": 0.10, "unit": "GB-month", "source": "aurora",
      "description": "Aurora Standard storage"},
    "aurora.iopt.storage.gb_month": {"usd": 0.225, "unit": "GB-month", "source": "aurora",
      "description": "Aurora I/O-Optimized storage"},
    "aurora.io.million_requests": {"usd": 0.20, "unit": "million I/O", "source": "aurora",
      "description": "Aurora Standard I/O requests"},
    "aurora.backup.gb_month": {"usd": 0.021, "unit": "GB-month", "source": "aurora_backup",
      "description": "Aurora backup storage beyond 100% of the cluster's storage and a one-day retention, which are free"},

    "elasticache.node_hour.cache.t4g.micro": {"usd": 0.016, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.t4g.micro"},
    "elasticache.node_hour.cache.t4g.small": {"usd": 0.032, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.t4g.small"},
    "elasticache.node_hour.cache.t4g.medium": {"usd": 0.065, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.t4g.medium"},
    "elasticache.node_hour.cache.t3.micro": {"usd": 0.017, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.t3.micro"},
    "elasticache.node_hour.cache.t3.small": {"usd": 0.034, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.t3.small"},
    "elasticache.node_hour.cache.t3.medium": {"usd": 0.068, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.t3.medium"},
    "elasticache.node_hour.cache.m7g.large": {"usd": 0.158, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.m7g.large"},
    "elasticache.node_hour.cache.r7g.large": {"usd": 0.219, "unit": "node-hour", "source": "elasticache",
      "description": "ElastiCache for Redis OSS, cache.r7g.large"},
    "elasticache.backup.gb_month": {"usd": 0.085, "unit": "GB-month", "source": "elasticache_backup",
      "description": "ElastiCache backup (snapshot) storage, same price in every region; one snapshot per shard is free"},

    "data_transfer.internet_out.gb": {"usd": 0.09, "unit": "GB", "source": "data_transfer",
      "description": "data transfer out from EC2 (and the load balancers, NAT gateways) to the internet, first 10 TB a month; the first 100 GB a month of an account are free (not subtracted)"},
    "data_transfer.cross_az.gb": {"usd": 0.01, "unit": "GB-side", "source": "data_transfer",
      "description": "data transfer between availability zones of a region, charged $0.01/GB out of one zone and $0.01/GB into the other"},

    "fargate.x86.vcpu_hour": {"usd": 0.04048, "unit": "vCPU-hour", "source": "fargate",
      "description": "Fargate Linux/x86 vCPU"},
    "fargate.x86.gb_hour": {"usd": 0.004445, "unit": "GB-hour", "source": "fargate",
      "description": "Fargate Linux/x86 memory"},
    "fargate.arm.vcpu_hour": {"usd": 0.03238, "unit": "vCPU-hour", "source": "fargate",
      "description": "Fargate Linux/ARM (Graviton) vCPU"},
    "fargate.arm.gb_hour": {"usd": 0.00356, "unit": "GB-hour", "source": "fargate",
      "description": "Fargate Linux/ARM (Graviton) memory"},
    "fargate.ephemeral.gb_hour": {"usd": 0.000111, "unit": "GB-hour", "source": "fargate",
      "description": "Fargate ephemeral storage above the included 20 GB"},

    "vpc.nat_gateway.hour": {"usd": 0.045, "unit": "hour", "source": "vpc",
      "description": "NAT gateway"},
    "vpc.nat_gateway.gb": {"usd": 0.045, "unit": "GB", "source": "vpc",
      "description": "NAT gateway data processed"},
    "vpc.public_ipv4.hour": {"usd": 0.005, "unit": "IP-hour", "source": "vpc",
      "description": "public IPv4 address (in use or idle), charged since 2024-02-01"},
    "vpc.interface_endpoint.hour": {"usd": 0.01, "unit": "endpoint-AZ-hour", "source": "vpc",
      "description": "interface VPC endpoint (PrivateLink), per availability zone"},

    "elb.alb.hour": {"usd": 0.0225, "unit": "hour", "source": "elb",
      "description": "Application Load Balancer"},
    "elb.alb.lcu_hour": {"usd": 0.008, "unit": "LCU-hour", "source": "elb",
      "description": "Application Load Balancer capacity units"},

    "cloudwatch.logs.ingest_gb": {"usd": 0.50, "unit": "GB", "source": "cloudwatch",
      "description": "CloudWatch Logs ingestion (standard class)"},
    "cloudwatch.logs.storage_gb_month": {"usd": 0.03, "unit": "GB-month", "source": "cloudwatch",
      "description": "CloudWatch Logs storage (archived)"},
    "cloudwatch.alarm.month": {"usd": 0.10, "unit": "alarm-month", "source": "cloudwatch",
      "description": "standard-resolution metric alarm"},
    "cloudwatch.metric.month": {"usd": 0.30, "unit": "metric-month", "source": "cloudwatch",
      "description": "custom metric (first 10,000), which Container Insights metrics are billed as"},

    "secretsmanager.secret.month": {"usd": 0.40, "unit": "secret-month", "source": "secretsmanager",
      "description": "Secrets Manager secret"},

    "ecr.storage.gb_month": {"usd": 0.10, "unit": "GB-month", "source": "ecr",
      "description": "ECR private repository storage"},

    "amplify.build.minute": {"usd": 0.01, "unit": "build-minute", "source": "amplify",
      "description": "Amplify Hosting build (standard instance)"},
    "amplify.storage.gb_month": {"usd": 0.023, "unit": "GB-month", "source": "amplify",
      "description": "Amplify Hosting storage"},
    "amplify.served.gb": {"usd": 0.15, "unit": "GB", "source": "amplify",
      "description": "Amplify Hosting data served"},

    "waf.web_acl.month": {"usd": 5.00, "unit": "web-ACL-month", "source": "waf",
      "description": "WAF web ACL"},
    "waf.rule.month": {"usd": 1.00, "unit": "rule-month", "source": "waf",
      "description": "WAF rule or rule group in a web ACL"},
    "waf.million_requests": {"usd": 0.60, "unit": "million requests", "source": "waf",
      "description": "WAF requests inspected"},

    "route53.hosted_zone.month": {"usd": 0.50, "unit": "zone-month", "source": "route53",
      "description": "Route 53 hosted zone (first 25)"},
    "route53.million_queries": {"usd": 0.40, "unit": "million queries", "source": "route53",
      "description": "Route 53 standard queries (alias queries to AWS resources are free)"},

    "cloudmap.instance.month": {"usd": 0.10, "unit": "instance-month", "source": "cloudmap",
      "description": "Cloud Map registered service instance"},

    "kms.key.month": {"usd": 1.00, "unit": "key-month", "source": "kms",
      "description": "KMS customer managed key"},

    "sns.million_publishes": {"usd": 0.50, "unit": "million publishes", "source": "sns",
      "description": "SNS standard topic publishes beyond the first million (free tier)"},

    "s3.standard.gb_month": {"usd": 0.023, "unit": "GB-month", "source": "s3",
      "description": "S3 Standard storage, first 50 TB a month"},
    "s3.thousand_writes": {"usd": 0.005, "unit": "thousand requests", "source": "s3",
      "description": "S3 Standard PUT, COPY, POST and LIST requests"},
    "s3.thousand_reads": {"usd": 0.0004, "unit": "thousand requests", "source": "s3",
      "description": "S3 Standard GET and other reads"},

    "sqs.standard.million_requests": {"usd": 0.40, "unit": "million requests", "source": "sqs",
      "description": "SQS standard queue requests beyond the first million a month (free tier)"},
    "sqs.fifo.million_requests": {"usd": 0.50, "unit": "million requests", "source": "sqs",
      "description": "SQS FIFO queue requests beyond the first million a month (free tier)"},

    "scheduler.million_invocations": {"usd": 1.00, "unit": "million invocations",
      "source": "scheduler",
      "description": "EventBridge Scheduler invocations beyond the first 14 million a month"},

    "backup.aurora.gb_month": {"usd": 0.021, "unit": "GB-month", "source": "backup",
      "description": "AWS Backup warm storage of Amazon Aurora snapshots"},
    "data_transfer.inter_region.gb": {"usd": 0.02, "unit": "GB", "source": "backup",
      "description": "backup data copied from us-east-1 to another AWS region"},
    "cloudtrail.management_events.hundred_thousand": {"usd": 2.00, "unit": "hundred thousand events",
      "source": "cloudtrail",
      "description": "management events of a trail beyond the account's free first copy"}
  }
}
)json";
}

}  // namespace rex::tmpl
