import { Construct } from "constructs";
import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";
import { DaskImage, PULL_THROUGH_PREFIX } from "../modules/compute/images";

/** Properties of an {@link ImageCache}. */
export interface ImageCacheProps {
  readonly region: string;
  readonly image: DaskImage;
}

/**
 * An ECR pull-through cache rule for the image's upstream registry (quay.io and ECR Public
 * need no credentials), so tasks pull the pinned Dask image from ECR in their own Region:
 * no Docker at deploy time, no Docker Hub credentials, no internet egress from the tasks.
 */
export class ImageCache extends Construct {
  public readonly rule: EcrPullThroughCacheRule;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repository>:<tag>` */
  public readonly imageUri: string;
  /** Repositories the cache creates on first pull (for the pulling role's policy). */
  public readonly repositoryArnPattern: string;

  constructor(scope: Construct, id: string, props: ImageCacheProps) {
    super(scope, id);
    const prefix = PULL_THROUGH_PREFIX[props.image.upstream];
    this.rule = new EcrPullThroughCacheRule(this, "Default", {
      ecrRepositoryPrefix: prefix,
      upstreamRegistryUrl: props.image.upstream,
    });
    this.imageUri = `${this.rule.registryId}.dkr.ecr.${props.region}.amazonaws.com/${prefix}/${props.image.repository}:${props.image.tag}`;
    this.repositoryArnPattern = `arn:aws:ecr:${props.region}:${this.rule.registryId}:repository/${prefix}/*`;
  }
}
