import { globMatches, patternsIntersect } from "../../../modules/iam-proof/glob";

describe("IAM wildcards", () => {
  test.each([
    ["s3:Get*", "s3:GetObject", true, true],
    ["s3:get*", "s3:GetObject", true, true],
    ["s3:get*", "s3:GetObject", false, false],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/k/e/y", false, true],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false],
    ["arn:aws:logs:eu-west-2:*:log-group:/g:*", "arn:aws:logs:eu-west-2:123456789012:log-group:/g:log-stream:s", false, true],
    ["arn:aws:logs:eu-west-2:*:log-group:/g:*", "arn:aws:logs:eu-west-2:123456789012:log-group:/g", false, false],
    ["a?c", "abc", false, true],
    ["a?c", "ac", false, false],
    ["*", "*", false, true],
    ["arn:aws:ecr:*", "*", false, false],
  ])("%s matches %s (ignore case %s): %s", (pattern, value, ignoreCase, expected) => {
    expect(globMatches(pattern, value, ignoreCase)).toBe(expected);
  });

  test.each([
    ["arn:aws:logs:us-east-1:123456789012:log-group:/g:*", "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}", true],
    ["arn:aws:logs:us-east-1:123456789012:log-group:/g", "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}", false],
    ["arn:aws:fsx:us-east-1:123456789012:file-system/fs-1", "arn:${Partition}:fsx:${Region}:${Account}:task/${TaskId}", false],
    ["arn:aws:fsx:us-east-1:*:task/*", "arn:${Partition}:fsx:${Region}:${Account}:task/${TaskId}", true],
    ["arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}", false],
    ["arn:aws:s3:::bucket*", "arn:${Partition}:s3:::${BucketName}", true],
    ["*", "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}", true],
  ])("a Resource %s and the ARN format %s intersect: %s", (pattern, format, expected) => {
    expect(patternsIntersect(pattern, format)).toBe(expected);
  });
});
