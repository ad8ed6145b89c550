"""EC2 Auto Scaling behaviour moto lacks."""
from . import shim


@shim
def auto_scaling_group_with_instances_is_deleted_only_by_force():
    """DeleteAutoScalingGroup fails with ResourceInUse while the group still has instances, unless
    ForceDelete is set: then the group's instances are terminated with it, also those protected from
    scale-in. (Lowering the desired capacity never terminates protected instances.) moto deletes
    any group and leaves its protected instances running.
    https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html
    https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html
    """
    from moto.autoscaling.exceptions import AutoscalingClientError
    from moto.autoscaling.responses import AutoScalingResponse

    class ResourceInUse(AutoscalingClientError):
        code = "ResourceInUse"

    def delete_auto_scaling_group(self):
        name = self._get_param("AutoScalingGroupName")
        force = self._get_bool_param("ForceDelete", False)
        backend = self.autoscaling_backend
        group = backend.autoscaling_groups.get(name)
        if group is not None:
            instances = [state.instance.id for state in group.instance_states]
            if instances and not force:
                raise ResourceInUse("You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")
            if instances:
                backend.ec2_backend.terminate_instances(instances)
                group.instance_states = []
        return original(self)

    original = AutoScalingResponse.delete_auto_scaling_group
    AutoScalingResponse.delete_auto_scaling_group = delete_auto_scaling_group
