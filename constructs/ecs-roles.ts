import { Fn } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { policy, PolicyStatement, serviceTrust } from "../modules/iam";

/** Properties of {@link EcsTaskRoles}. */
export interface EcsTaskRolesProps {
  /** Role name prefix, e.g. `proximate-us-east-1-worker`. */
  readonly namePrefix: string;
  /** Log group the containers write to. */
  readonly logGroup: CloudwatchLogGroup;
  /** ECR repositories the image may be pulled (and, through the pull-through cache, created) in. */
  readonly repositoryArnPattern: string;
  /**
   * What the containers themselves may do.
   * @default nothing: the task role has no permissions
   */
  readonly taskStatements?: readonly PolicyStatement[];
  /**
   * Use this role as the task role instead of creating one (its trust policy must admit
   * ecs-tasks.amazonaws.com); `taskStatements` are then added to it.
   * @default a new role `<namePrefix>-task`
   */
  readonly taskRole?: IamRole;
}

/**
 * The two roles of an ECS task: the execution role (pull the image through the ECR pull-through
 * cache, write logs) and the task role (what the containers may do), each scoped to named
 * resources rather than AWS-managed *FullAccess policies.
 */
export class EcsTaskRoles extends Construct {
  public readonly executionRole: IamRole;
  public readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: EcsTaskRolesProps) {
    super(scope, id);
    const trust = Fn.jsonencode(serviceTrust("ecs-tasks.amazonaws.com"));
    this.executionRole = new IamRole(this, "execution", { name: `${props.namePrefix}-exec`, assumeRolePolicy: trust });
    new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      name: "pull-image-write-logs",
      policy: Fn.jsonencode(
        policy(
          // GetAuthorizationToken acts on the registry, not a repository: AWS accepts only "*".
          { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
          {
            Sid: "PullThroughCache",
            Effect: "Allow",
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            Resource: props.repositoryArnPattern,
          },
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${props.logGroup.arn}:*` },
        ),
      ),
    });
    this.taskRole = props.taskRole ?? new IamRole(this, "task", { name: `${props.namePrefix}-task`, assumeRolePolicy: trust });
    if (props.taskStatements !== undefined && props.taskStatements.length > 0) {
      new IamRolePolicy(this, "task-policy", {
        role: this.taskRole.id,
        name: "task",
        policy: Fn.jsonencode(policy(...props.taskStatements)),
      });
    }
  }
}
