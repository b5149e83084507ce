#!/usr/bin/env node
// The Rex Backend, dev preset, as an AWS CDK v2 app: the same architecture that rex's
// `rex synth` produces for the built-in dev preset (see ../../README.md and the project's
// ARCHITECTURE.md), written the way a CDK user would write it: L2 constructs wherever
// CDK has them, L1 (Cfn*) classes where it has none (ElastiCache) and escape hatches
// only where an L2 cannot express a setting. bench/compare synthesizes and diffs it
// next to rex; README.md beside this file lists where the two templates differ and why.
//
// Offline by construction: the stack is environment-agnostic (no account or region),
// so nothing is looked up; availability zones come from Fn::GetAZs like rex's.
'use strict';

const cdk = require('aws-cdk-lib');
const cxapi = require('aws-cdk-lib/cx-api');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecr = require('aws-cdk-lib/aws-ecr');
const ecs = require('aws-cdk-lib/aws-ecs');
const elasticache = require('aws-cdk-lib/aws-elasticache');
const elbv2 = require('aws-cdk-lib/aws-elasticloadbalancingv2');
const iam = require('aws-cdk-lib/aws-iam');
const logs = require('aws-cdk-lib/aws-logs');
const rds = require('aws-cdk-lib/aws-rds');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const servicediscovery = require('aws-cdk-lib/aws-servicediscovery');

// rex's dev preset (src/config/config.h defaults plus the dev preset's overrides).
const config = {
  projectName: 'rex-backend',
  environment: 'dev',
  vpcCidr: '10.0.0.0/16',
  natGateways: 1,
  dbEngineVersion: '15.17',
  dbMinCapacity: 0.5,
  dbMaxCapacity: 2,
  backupRetentionDays: 7,
  cacheNodeType: 'cache.t4g.micro',
  logRetention: logs.RetentionDays.ONE_WEEK,
  migrationCommand: ['./migrate', 'up'],
  services: {
    api: { desiredCount: 1, cpu: 512, memoryMiB: 1024, port: 8080 },
    worker: { desiredCount: 1, cpu: 512, memoryMiB: 1024 },
    supertokens: { desiredCount: 1, cpu: 512, memoryMiB: 1024, port: 3567 },
  },
};

const prefix = `${config.projectName}-${config.environment}`;
const namespaceName = `${prefix}.local`;
const supertokensUri = `http://supertokens.${namespaceName}:3567/auth`;

// The one-off task that creates the `supertokens` database ("already exists" is success);
// the same script rex runs as its bootstrap task and as SuperTokens' init container.
const createDatabaseScript = [
  'set -u',
  'exists="$(psql -tAc "SELECT 1 FROM pg_database WHERE datname=\'supertokens\'")"',
  'if [ "$exists" = "1" ]; then',
  '  echo "database supertokens already exists"',
  '  exit 0',
  'fi',
  'if out="$(psql -c \'CREATE DATABASE supertokens\' 2>&1)"; then',
  '  echo "$out"',
  '  echo "database supertokens created"',
  '  exit 0',
  'fi',
  'echo "$out" >&2',
  'case "$out" in',
  '  *"already exists"*) echo "database supertokens already exists"; exit 0 ;;',
  'esac',
  'exit 1',
  '',
].join('\n');

const supertokensHealthCommand =
  'bash -c \'exec 3<>/dev/tcp/127.0.0.1/3567 && printf "GET /auth/hello HTTP/1.1\\r\\n' +
  'Host: localhost\\r\\nConnection: close\\r\\n\\r\\n" >&3 && grep -q Hello <&3\'';

class RexBackendStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const destroy = cdk.RemovalPolicy.DESTROY;

    // ---- Networking: 2 AZs, a public and a private subnet in each, one NAT gateway,
    // an S3 gateway endpoint for the private route tables.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: `${prefix}-vpc`,
      ipAddresses: ec2.IpAddresses.cidr(config.vpcCidr),
      maxAzs: 2,
      natGateways: config.natGateways,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // rex leaves the default security group alone; CDK would otherwise add a custom
      // resource (a Lambda function) to strip its rules.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 18 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 18 },
      ],
    });
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const publicSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    vpc.addGatewayEndpoint('S3Endpoint', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [privateSubnets],
    });

    // ---- Security groups. All egress is closed unless a rule opens it; the cross-group
    // rules come from `connections` (and from the listener/target group wiring below).
    const securityGroup = (id, name, description) => {
      const sg = new ec2.SecurityGroup(this, id, { vpc, description, allowAllOutbound: false });
      cdk.Tags.of(sg).add('Name', `${prefix}-${name}`);
      return sg;
    };
    const albSg = securityGroup('AlbSecurityGroup', 'alb',
      `Load balancer of ${prefix}: HTTP(S) from the internet, to services`);
    const servicesSg = securityGroup('ServicesSecurityGroup', 'services',
      `ECS tasks of ${prefix}: from the load balancer`);
    const databaseSg = securityGroup('DatabaseSecurityGroup', 'database',
      `Aurora cluster of ${prefix}: PostgreSQL from services only`);
    const cacheSg = securityGroup('CacheSecurityGroup', 'cache',
      `Redis of ${prefix}: Redis from services only`);
    servicesSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
      'HTTPS to AWS APIs and the internet');
    servicesSg.connections.allowInternally(ec2.Port.tcp(3567),
      'supertokens from the api (Cloud Map)');

    // ---- Secrets.
    const supertokensApiKey = new secretsmanager.Secret(this, 'SupertokensApiKey', {
      secretName: `${prefix}/supertokens/api-key`,
      description: `SuperTokens API key of ${prefix}`,
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
      removalPolicy: destroy,
    });

    // ---- Database: Aurora Serverless v2 PostgreSQL, one writer, generated master secret.
    const dbIdentifier = `${prefix}-db`;
    const dbCredentials = new rds.DatabaseSecret(this, 'DatabaseCredentials', {
      username: 'rexadmin',
      dbname: 'rex_backend',
      secretName: `${prefix}/db/credentials`,
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\^',
    });
    dbCredentials.applyRemovalPolicy(destroy);
    // DatabaseSecret has no props for these two of rex's settings: escape hatch.
    const dbCredentialsResource = dbCredentials.node.defaultChild;
    dbCredentialsResource.addPropertyOverride('Description',
      `master credentials of the ${dbIdentifier} Aurora cluster`);
    dbCredentialsResource.addPropertyOverride('GenerateSecretString.PasswordLength', 32);
    // The cluster's PostgreSQL log group, made here so its retention is set without
    // CDK's log-retention custom resource (a Lambda function).
    const dbLogGroup = new logs.LogGroup(this, 'DatabaseLogGroup', {
      logGroupName: `/aws/rds/cluster/${dbIdentifier}/postgresql`,
      retention: config.logRetention,
      removalPolicy: destroy,
    });
    const dbSubnets = new rds.SubnetGroup(this, 'DatabaseSubnetGroup', {
      subnetGroupName: dbIdentifier,
      description: `private subnets of ${dbIdentifier}`,
      vpc,
      vpcSubnets: privateSubnets,
    });
    const database = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({
        version: rds.AuroraPostgresEngineVersion.of(config.dbEngineVersion, '15'),
      }),
      clusterIdentifier: dbIdentifier,
      credentials: rds.Credentials.fromSecret(dbCredentials),
      defaultDatabaseName: 'rex_backend',
      writer: rds.ClusterInstance.serverlessV2('Writer', {
        instanceIdentifier: `${dbIdentifier}-writer`,
        publiclyAccessible: false,
      }),
      serverlessV2MinCapacity: config.dbMinCapacity,
      serverlessV2MaxCapacity: config.dbMaxCapacity,
      vpc,
      subnetGroup: dbSubnets,
      securityGroups: [databaseSg],
      port: 5432,
      storageEncrypted: true,
      backup: { retention: cdk.Duration.days(config.backupRetentionDays) },
      copyTagsToSnapshot: true,
      deletionProtection: false,
      cloudwatchLogsExports: ['postgresql'],
      removalPolicy: destroy,
    });
    database.node.addDependency(dbLogGroup);
    database.connections.allowDefaultPortFrom(servicesSg, 'PostgreSQL from ECS tasks');
    const dbSecret = database.secret;  // the secret attached to the cluster (host, port, ...)

    // SuperTokens' own connection URI, pointing at the `supertokens` database.
    const supertokensDbUri = new secretsmanager.Secret(this, 'SupertokensDbConnection', {
      secretName: `${prefix}/supertokens/db-uri`,
      description: `SuperTokens connection URI for the supertokens database on ${dbIdentifier}`,
      secretStringValue: cdk.SecretValue.unsafePlainText(
        `postgresql://${dbCredentials.secretValueFromJson('username').unsafeUnwrap()}:` +
        `${dbCredentials.secretValueFromJson('password').unsafeUnwrap()}@` +
        `${database.clusterEndpoint.hostname}:${database.clusterEndpoint.port}/supertokens`),
      removalPolicy: destroy,
    });

    // ---- Cache: ElastiCache has no stable L2, so L1 resources.
    const cacheName = `${prefix}-redis`;
    const cacheSubnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnetGroup', {
      cacheSubnetGroupName: cacheName,
      description: `private subnets of ${cacheName}`,
      subnetIds: vpc.selectSubnets(privateSubnets).subnetIds,
    });
    const cache = new elasticache.CfnReplicationGroup(this, 'Cache', {
      replicationGroupId: cacheName,
      replicationGroupDescription: `Redis cache and job queues of ${prefix}`,
      engine: 'redis',
      engineVersion: '7.0',
      cacheNodeType: config.cacheNodeType,
      cacheParameterGroupName: 'default.redis7',
      cacheSubnetGroupName: cacheSubnets.ref,
      securityGroupIds: [cacheSg.securityGroupId],
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      port: 6379,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: false,
      snapshotRetentionLimit: 1,
    });
    cache.applyRemovalPolicy(destroy);
    cacheSg.connections.allowFrom(servicesSg, ec2.Port.tcp(6379), 'Redis from ECS tasks');
    const redisUrl = `redis://${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort}`;

    // ---- Container registry.
    const repository = (id, name) => new ecr.Repository(this, id, {
      repositoryName: `${prefix}-${name}`,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.MUTABLE,
      encryption: ecr.RepositoryEncryption.AES_256,
      lifecycleRules: [{ description: 'keep the last 10 images', maxImageCount: 10 }],
      emptyOnDelete: true,
      removalPolicy: destroy,
    });
    const apiRepository = repository('ApiRepository', 'api');
    const workerRepository = repository('WorkerRepository', 'worker');

    // ---- Log groups, one per task family.
    const logGroups = {};
    for (const name of ['api', 'worker', 'supertokens', 'migration', 'bootstrap']) {
      const id = `${name[0].toUpperCase()}${name.slice(1)}LogGroup`;
      logGroups[name] = new logs.LogGroup(this, id, {
        logGroupName: `/ecs/${prefix}-${name}`,
        retention: config.logRetention,
        removalPolicy: destroy,
      });
    }

    // ---- IAM: one execution role shared by the tasks (the grants below come from the
    // L2 constructs: image pulls, log writes, secret reads), one task role per service
    // with no permissions, trusted only by ECS in this account.
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `ECS task execution role of ${prefix}: pulls its images, writes its logs, reads its secrets`,
    });
    const taskRole = (id, name) => new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com').withConditions({
        ArnLike: {
          'aws:SourceArn': cdk.Fn.sub('arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*'),
        },
        StringEquals: { 'aws:SourceAccount': cdk.Aws.ACCOUNT_ID },
      }),
      description: `Task role of ${prefix}-${name}: its own identity, no permissions`,
    });

    // ---- ECS: cluster with Container Insights, Cloud Map namespace, task definitions.
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: `${prefix}-cluster`,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: namespaceName,
      vpc,
      description: `Service discovery for ${prefix}`,
    });

    const taskDefinition = (id, name, sizing, role) => new ecs.FargateTaskDefinition(this, id, {
      family: `${prefix}-${name}`,
      cpu: sizing.cpu,
      memoryLimitMiB: sizing.memoryMiB,
      executionRole,
      taskRole: role,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const awsLogs = (name, streamPrefix) =>
      ecs.LogDrivers.awsLogs({ logGroup: logGroups[name], streamPrefix });
    const dbField = (field) => ecs.Secret.fromSecretsManager(dbSecret, field);
    const appEnvironment = {
      DB_NAME: 'rex_backend',
      REDIS_URL: redisUrl,
      SUPERTOKENS_CONNECTION_URI: supertokensUri,
    };
    const appSecrets = {
      DB_HOST: dbField('host'),
      DB_PASSWORD: dbField('password'),
      DB_PORT: dbField('port'),
      DB_USER: dbField('username'),
      SUPERTOKENS_API_KEY: ecs.Secret.fromSecretsManager(supertokensApiKey),
    };
    const createDatabaseContainer = (task, name, essential, logGroupName) =>
      task.addContainer(name, {
        containerName: name,
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/postgres:15-alpine'),
        essential,
        command: ['sh', '-c', createDatabaseScript],
        environment: { PGAPPNAME: 'rex-bootstrap', PGCONNECT_TIMEOUT: '10', PGSSLMODE: 'require' },
        secrets: {
          PGDATABASE: dbField('dbname'),
          PGHOST: dbField('host'),
          PGPASSWORD: dbField('password'),
          PGPORT: dbField('port'),
          PGUSER: dbField('username'),
        },
        logging: awsLogs(logGroupName, name),
      });

    const svc = config.services;
    const apiTask = taskDefinition('ApiTaskDefinition', 'api', svc.api, taskRole('ApiTaskRole', 'api'));
    apiTask.addContainer('api', {
      containerName: 'api',
      image: ecs.ContainerImage.fromEcrRepository(apiRepository, 'latest'),
      essential: true,
      portMappings: [{ containerPort: svc.api.port, name: 'api', protocol: ecs.Protocol.TCP }],
      environment: {
        DB_NAME: appEnvironment.DB_NAME,
        PORT: String(svc.api.port),
        REDIS_URL: appEnvironment.REDIS_URL,
        SUPERTOKENS_CONNECTION_URI: appEnvironment.SUPERTOKENS_CONNECTION_URI,
      },
      secrets: appSecrets,
      logging: awsLogs('api', 'api'),
    });

    const workerTask = taskDefinition('WorkerTaskDefinition', 'worker', svc.worker,
      taskRole('WorkerTaskRole', 'worker'));
    workerTask.addContainer('worker', {
      containerName: 'worker',
      image: ecs.ContainerImage.fromEcrRepository(workerRepository, 'latest'),
      essential: true,
      environment: appEnvironment,
      secrets: appSecrets,
      logging: awsLogs('worker', 'worker'),
    });

    const supertokensTask = taskDefinition('SupertokensTaskDefinition', 'supertokens',
      svc.supertokens, taskRole('SupertokensTaskRole', 'supertokens'));
    const supertokens = supertokensTask.addContainer('supertokens', {
      containerName: 'supertokens',
      image: ecs.ContainerImage.fromRegistry(
        'registry.supertokens.io/supertokens/supertokens-postgresql:latest'),
      essential: true,
      portMappings: [{ containerPort: svc.supertokens.port, name: 'supertokens', protocol: ecs.Protocol.TCP }],
      environment: { BASE_PATH: '/auth' },
      secrets: {
        API_KEYS: ecs.Secret.fromSecretsManager(supertokensApiKey),
        POSTGRESQL_CONNECTION_URI: ecs.Secret.fromSecretsManager(supertokensDbUri),
      },
      healthCheck: {
        command: ['CMD-SHELL', supertokensHealthCommand],
        interval: cdk.Duration.seconds(30),
        timeout: cdk.Duration.seconds(5),
        retries: 3,
        startPeriod: cdk.Duration.seconds(60),
      },
      logging: awsLogs('supertokens', 'supertokens'),
    });
    const createDatabase = createDatabaseContainer(supertokensTask, 'create-database', false, 'supertokens');
    supertokens.addContainerDependencies({
      container: createDatabase,
      condition: ecs.ContainerDependencyCondition.SUCCESS,
    });

    const migrationTask = taskDefinition('MigrationTaskDefinition', 'migration', svc.api,
      taskRole('MigrationTaskRole', 'migration'));
    migrationTask.addContainer('migration', {
      containerName: 'migration',
      image: ecs.ContainerImage.fromEcrRepository(apiRepository, 'latest'),
      essential: true,
      command: config.migrationCommand,
      environment: appEnvironment,
      secrets: appSecrets,
      logging: awsLogs('migration', 'migration'),
    });

    // rex's bootstrap task has no task role; FargateTaskDefinition always makes one.
    const bootstrapTask = taskDefinition('BootstrapTaskDefinition', 'bootstrap',
      { cpu: 256, memoryMiB: 512 }, undefined);
    createDatabaseContainer(bootstrapTask, 'bootstrap', true, 'bootstrap');

    // ---- Load balancer: internet-facing ALB, HTTP listener with a fixed 404, /api/* and
    // /auth/* forwarded to the api and supertokens target groups.
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      vpcSubnets: publicSubnets,
      internetFacing: true,
      loadBalancerName: `${prefix}-alb`,
      securityGroup: albSg,
      ipAddressType: elbv2.IpAddressType.IPV4,
      dropInvalidHeaderFields: true,
      deletionProtection: false,
    });
    cdk.Tags.of(alb).add('Name', `${prefix}-alb`, {
      includeResourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],  // not its listener
    });
    const listener = alb.addListener('HttpListener', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,  // 80 from anywhere
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'not found',
      }),
    });
    const targetGroup = (id, name, port, healthPath) => new elbv2.ApplicationTargetGroup(this, id, {
      vpc,
      targetGroupName: `${prefix}-${name}`,
      port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: cdk.Duration.seconds(30),
      healthCheck: {
        enabled: true,
        path: healthPath,
        protocol: elbv2.Protocol.HTTP,
        interval: cdk.Duration.seconds(15),
        timeout: cdk.Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        healthyHttpCodes: '200',
      },
    });
    const apiTargets = targetGroup('ApiTargetGroup', 'api', svc.api.port, '/api/health');
    const supertokensTargets = targetGroup('SupertokensTargetGroup', 'supertokens',
      svc.supertokens.port, '/auth/hello');
    listener.addTargetGroups('ApiRule', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/api/*'])],
      targetGroups: [apiTargets],
    });
    listener.addTargetGroups('SupertokensRule', {
      priority: 20,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/auth/*'])],
      targetGroups: [supertokensTargets],
    });

    // ---- Services: private subnets, no public IP, circuit breaker with rollback.
    const service = (id, name, task, sizing, extra) => {
      const s = new ecs.FargateService(this, id, {
        cluster,
        serviceName: `${prefix}-${name}`,
        taskDefinition: task,
        desiredCount: sizing.desiredCount,
        assignPublicIp: false,
        vpcSubnets: privateSubnets,
        securityGroups: [servicesSg],
        circuitBreaker: { enable: true, rollback: true },
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        enableECSManagedTags: true,
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        ...extra,
      });
      // Tasks start once the database is writable (rex: DependsOn the writer instance). On
      // the service's own resource only: a construct-level dependency would also hold back
      // its Cloud Map service, which rex does not.
      s.node.defaultChild.node.addDependency(database.node.findChild('Writer'));
      return s;
    };
    const cloudMap = (name) => ({
      name,
      cloudMapNamespace: namespace,
      dnsRecordType: servicediscovery.DnsRecordType.A,
      dnsTtl: cdk.Duration.seconds(10),
    });
    const apiService = service('ApiService', 'api', apiTask, svc.api, {
      healthCheckGracePeriod: cdk.Duration.seconds(60),
      cloudMapOptions: cloudMap('api'),
    });
    apiTargets.addTarget(apiService.loadBalancerTarget({ containerName: 'api', containerPort: svc.api.port }));
    service('WorkerService', 'worker', workerTask, svc.worker, {});
    const supertokensService = service('SupertokensService', 'supertokens', supertokensTask,
      svc.supertokens, {
        healthCheckGracePeriod: cdk.Duration.seconds(120),
        cloudMapOptions: cloudMap('supertokens'),
      });
    supertokensTargets.addTarget(supertokensService.loadBalancerTarget({
      containerName: 'supertokens',
      containerPort: svc.supertokens.port,
    }));

    // ---- Outputs: the original program's names, plus the two task definitions rex runs.
    const output = (name, value, description) => new cdk.CfnOutput(this, name, { value, description });
    output('albDnsName', alb.loadBalancerDnsName, 'DNS name of the load balancer');
    output('apiRepositoryUrl', apiRepository.repositoryUri, 'ECR repository of the api image');
    output('apiUrl', `http://${alb.loadBalancerDnsName}`, 'base URL of the API');
    output('bootstrapTaskDefinitionArn', bootstrapTask.taskDefinitionArn,
      'task definition that creates the supertokens database (rex db bootstrap)');
    output('ecsClusterName', cluster.clusterName, 'ECS cluster name');
    output('ecsSecurityGroup', servicesSg.securityGroupId, 'security group of the ECS tasks');
    output('migrationTaskDefinitionArn', migrationTask.taskDefinitionArn,
      'task definition of the database migration (rex migrate runs it)');
    output('privateSubnetIds', cdk.Fn.join(',', vpc.selectSubnets(privateSubnets).subnetIds),
      'private subnet ids, comma-separated');
    output('publicSubnetIds', cdk.Fn.join(',', vpc.selectSubnets(publicSubnets).subnetIds),
      'public subnet ids, comma-separated');
    output('rdsClusterEndpoint', database.clusterEndpoint.hostname, 'writer endpoint of the Aurora cluster');
    output('redisEndpoint', cache.attrPrimaryEndPointAddress, 'primary endpoint of the Redis replication group');
    output('vpcId', vpc.vpcId, 'the VPC id');
    output('workerRepositoryUrl', workerRepository.repositoryUri, 'ECR repository of the worker image');
  }
}

// A project made by `cdk init` today starts with the currently recommended feature flags in
// its cdk.json; take the same set from the installed aws-cdk-lib so the comparison is with
// a new CDK project, not with CDK v2.0's defaults. cdk.json and -c still take precedence.
const app = new cdk.App({ context: { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } });
new RexBackendStack(app, 'RexBackendDev', {
  stackName: prefix,
  description: `Rex Backend (${prefix}), synthesized by AWS CDK for bench/compare`,
});
app.synth();
