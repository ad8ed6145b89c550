import { snsServicePublisherCmk } from "../../../../modules/guardrails/rules/sns-service-publisher-cmk";
import { check, jsonencode, resource } from "../fixtures";

const alarm = resource("aws_cloudwatch_metric_alarm", "failed", { alarm_name: "x", alarm_actions: ["${aws_sns_topic.failures.arn}"] });

describe("SNS-SERVICE-PUBLISHER-CMK", () => {
  test("non-compliant on today's topic: alarms publish to a topic under alias/aws/sns", () => {
    const topic = resource("aws_sns_topic", "failures", { name: "proximate-us-east-1-catalog-refresh-failures", kms_master_key_id: "alias/aws/sns" });
    expect(check(snsServicePublisherCmk, [topic, alarm])).toMatchObject({
      status: "non-compliant",
      problem: expect.stringMatching(/AWS managed key alias\/aws\/sns, which cloudwatch.amazonaws.com cannot use \(aws_cloudwatch_metric_alarm.failed publish to it\)/),
    });
  });

  test("compliant with a customer managed key whose policy admits CloudWatch", () => {
    const key = resource("aws_kms_key", "alarms", {
      policy: jsonencode(
        '{"Statement" = [{"Effect" = "Allow", "Principal" = {"Service" = "cloudwatch.amazonaws.com"}, "Action" = ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource" = "*"}]}',
      ),
    });
    const topic = resource("aws_sns_topic", "failures", { kms_master_key_id: "${aws_kms_key.alarms.arn}" });
    expect(check(snsServicePublisherCmk, [topic, alarm, key])).toEqual({ status: "compliant", note: "aws_kms_key.alarms admits cloudwatch.amazonaws.com" });
  });

  test("non-compliant with a customer managed key whose policy forgets the publisher", () => {
    const key = resource("aws_kms_key", "alarms", { policy: jsonencode('{"Statement" = [{"Effect" = "Allow", "Principal" = {"AWS" = "arn:aws:iam::111122223333:root"}, "Action" = "kms:*", "Resource" = "*"}]}') });
    const topic = resource("aws_sns_topic", "failures", { kms_master_key_id: "${aws_kms_key.alarms.arn}" });
    expect(check(snsServicePublisherCmk, [topic, alarm, key])).toMatchObject({ status: "non-compliant", problem: expect.stringContaining("does not allow cloudwatch.amazonaws.com kms:Decrypt") });
  });

  test("not applicable when no AWS service publishes to the topic", () => {
    expect(check(snsServicePublisherCmk, [resource("aws_sns_topic", "t", { kms_master_key_id: "alias/aws/sns" })]).status).toBe("not-applicable");
  });
});
