//! The EMR `RunJobFlow` request as the launcher's YAML files spell it: PascalCase keys,
//! exactly the API's shape. Unknown keys are refused (`deny_unknown_fields`) so that a
//! typo is an error instead of a setting silently left out of the cluster; enum values
//! are checked against the SDK's list when the file is read, so the error names the key.
//!
//! The same structs serialize back to the API's JSON for `--dry-run --output json`,
//! with every password printed as `********`.

use std::collections::BTreeMap;

use aws_sdk_emr::types as emr;
use serde::{Deserialize, Serialize};

pub use super::values::{Enum, Property, REDACTED, SdkEnum, Secret};

macro_rules! shape {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "PascalCase")]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

shape! {
    /// The whole RunJobFlow input.
    pub struct RunJobFlow {
        pub name: String,
        pub log_uri: String,
        pub log_encryption_kms_key_id: String,
        pub additional_info: String,
        pub ami_version: String,
        pub release_label: String,
        pub instances: JobFlowInstancesConfig,
        pub steps: Vec<StepConfig>,
        pub step_execution_role_arn: String,
        pub bootstrap_actions: Vec<BootstrapActionConfig>,
        pub supported_products: Vec<String>,
        pub new_supported_products: Vec<SupportedProductConfig>,
        pub applications: Vec<Application>,
        pub configurations: Vec<Configuration>,
        pub visible_to_all_users: bool,
        pub job_flow_role: String,
        pub service_role: String,
        pub tags: Vec<Tag>,
        pub security_configuration: String,
        pub auto_scaling_role: String,
        pub scale_down_behavior: Enum<emr::ScaleDownBehavior>,
        pub custom_ami_id: String,
        pub ebs_root_volume_size: i32,
        pub repo_upgrade_on_boot: Enum<emr::RepoUpgradeOnBoot>,
        pub kerberos_attributes: KerberosAttributes,
        pub step_concurrency_level: i32,
        pub managed_scaling_policy: ManagedScalingPolicy,
        pub placement_group_configs: Vec<PlacementGroupConfig>,
        pub auto_termination_policy: AutoTerminationPolicy,
        #[serde(rename = "OSReleaseLabel")]
        pub os_release_label: String,
        pub ebs_root_volume_iops: i32,
        pub ebs_root_volume_throughput: i32,
        pub extended_support: bool,
        pub monitoring_configuration: MonitoringConfiguration,
        pub session_enabled: bool,
    }
}

shape! {
    pub struct JobFlowInstancesConfig {
        pub master_instance_type: String,
        pub slave_instance_type: String,
        pub instance_count: i32,
        pub instance_groups: Vec<InstanceGroupConfig>,
        pub instance_fleets: Vec<InstanceFleetConfig>,
        pub ec2_key_name: String,
        pub placement: PlacementType,
        pub keep_job_flow_alive_when_no_steps: bool,
        pub termination_protected: bool,
        pub unhealthy_node_replacement: bool,
        pub hadoop_version: String,
        pub ec2_subnet_id: String,
        pub ec2_subnet_ids: Vec<String>,
        pub emr_managed_master_security_group: String,
        pub emr_managed_slave_security_group: String,
        pub service_access_security_group: String,
        pub additional_master_security_groups: Vec<String>,
        pub additional_slave_security_groups: Vec<String>,
    }
}

shape! {
    pub struct InstanceGroupConfig {
        pub name: String,
        pub market: Enum<emr::MarketType>,
        pub instance_role: Enum<emr::InstanceRoleType>,
        pub bid_price: String,
        pub instance_type: String,
        pub instance_count: i32,
        pub configurations: Vec<Configuration>,
        pub ebs_configuration: EbsConfiguration,
        pub auto_scaling_policy: AutoScalingPolicy,
        pub custom_ami_id: String,
    }
}

shape! {
    pub struct InstanceFleetConfig {
        pub name: String,
        pub instance_fleet_type: Enum<emr::InstanceFleetType>,
        pub target_on_demand_capacity: i32,
        pub target_spot_capacity: i32,
        pub instance_type_configs: Vec<InstanceTypeConfig>,
        pub launch_specifications: InstanceFleetProvisioningSpecifications,
        pub resize_specifications: InstanceFleetResizingSpecifications,
        pub context: String,
    }
}

shape! {
    pub struct InstanceTypeConfig {
        pub instance_type: String,
        pub weighted_capacity: i32,
        pub bid_price: String,
        pub bid_price_as_percentage_of_on_demand_price: f64,
        pub ebs_configuration: EbsConfiguration,
        pub configurations: Vec<Configuration>,
        pub custom_ami_id: String,
        pub priority: f64,
    }
}

shape! {
    pub struct EbsConfiguration {
        pub ebs_block_device_configs: Vec<EbsBlockDeviceConfig>,
        pub ebs_optimized: bool,
    }
}

shape! {
    pub struct EbsBlockDeviceConfig {
        pub volume_specification: VolumeSpecification,
        pub volumes_per_instance: i32,
    }
}

shape! {
    pub struct VolumeSpecification {
        pub volume_type: String,
        pub iops: i32,
        #[serde(rename = "SizeInGB")]
        pub size_in_gb: i32,
        pub throughput: i32,
    }
}

shape! {
    pub struct InstanceFleetProvisioningSpecifications {
        pub spot_specification: SpotProvisioningSpecification,
        pub on_demand_specification: OnDemandProvisioningSpecification,
    }
}

shape! {
    pub struct SpotProvisioningSpecification {
        pub timeout_duration_minutes: i32,
        pub timeout_action: Enum<emr::SpotProvisioningTimeoutAction>,
        pub block_duration_minutes: i32,
        pub allocation_strategy: Enum<emr::SpotProvisioningAllocationStrategy>,
    }
}

shape! {
    pub struct OnDemandProvisioningSpecification {
        pub allocation_strategy: Enum<emr::OnDemandProvisioningAllocationStrategy>,
        pub capacity_reservation_options: OnDemandCapacityReservationOptions,
    }
}

shape! {
    pub struct OnDemandCapacityReservationOptions {
        pub usage_strategy: Enum<emr::OnDemandCapacityReservationUsageStrategy>,
        pub capacity_reservation_preference: Enum<emr::OnDemandCapacityReservationPreference>,
        pub capacity_reservation_resource_group_arn: String,
    }
}

shape! {
    pub struct InstanceFleetResizingSpecifications {
        pub spot_resize_specification: SpotResizingSpecification,
        pub on_demand_resize_specification: OnDemandResizingSpecification,
    }
}

shape! {
    pub struct SpotResizingSpecification {
        pub timeout_duration_minutes: i32,
        pub allocation_strategy: Enum<emr::SpotProvisioningAllocationStrategy>,
    }
}

shape! {
    pub struct OnDemandResizingSpecification {
        pub timeout_duration_minutes: i32,
        pub allocation_strategy: Enum<emr::OnDemandProvisioningAllocationStrategy>,
        pub capacity_reservation_options: OnDemandCapacityReservationOptions,
    }
}

shape! {
    pub struct AutoScalingPolicy {
        pub constraints: ScalingConstraints,
        pub rules: Vec<ScalingRule>,
    }
}

shape! {
    pub struct ScalingConstraints {
        pub min_capacity: i32,
        pub max_capacity: i32,
    }
}

shape! {
    pub struct ScalingRule {
        pub name: String,
        pub description: String,
        pub action: ScalingAction,
        pub trigger: ScalingTrigger,
    }
}

shape! {
    pub struct ScalingAction {
        pub market: Enum<emr::MarketType>,
        pub simple_scaling_policy_configuration: SimpleScalingPolicyConfiguration,
    }
}

shape! {
    pub struct SimpleScalingPolicyConfiguration {
        pub adjustment_type: Enum<emr::AdjustmentType>,
        pub scaling_adjustment: i32,
        pub cool_down: i32,
    }
}

shape! {
    pub struct ScalingTrigger {
        pub cloud_watch_alarm_definition: CloudWatchAlarmDefinition,
    }
}

shape! {
    pub struct CloudWatchAlarmDefinition {
        pub comparison_operator: Enum<emr::ComparisonOperator>,
        pub evaluation_periods: i32,
        pub metric_name: String,
        pub namespace: String,
        pub period: i32,
        pub statistic: Enum<emr::Statistic>,
        pub threshold: f64,
        pub unit: Enum<emr::Unit>,
        pub dimensions: Vec<KeyValuePair>,
    }
}

shape! {
    /// A key and a value: MetricDimension, KeyValue (step properties) and Tag share it.
    pub struct KeyValuePair {
        pub key: String,
        pub value: String,
    }
}

pub type Tag = KeyValuePair;

shape! {
    pub struct PlacementType {
        pub availability_zone: String,
        pub availability_zones: Vec<String>,
    }
}

shape! {
    pub struct StepConfig {
        pub name: String,
        pub action_on_failure: Enum<emr::ActionOnFailure>,
        pub hadoop_jar_step: HadoopJarStepConfig,
        pub step_monitoring_configuration: StepMonitoringConfiguration,
    }
}

shape! {
    pub struct HadoopJarStepConfig {
        pub properties: Vec<KeyValuePair>,
        pub jar: String,
        pub main_class: String,
        pub args: Vec<String>,
    }
}

shape! {
    pub struct StepMonitoringConfiguration {
        pub s3_monitoring_configuration: S3MonitoringConfiguration,
    }
}

shape! {
    pub struct S3MonitoringConfiguration {
        pub log_uri: String,
        pub encryption_key_arn: String,
    }
}

shape! {
    pub struct BootstrapActionConfig {
        pub name: String,
        pub script_bootstrap_action: ScriptBootstrapActionConfig,
    }
}

shape! {
    pub struct ScriptBootstrapActionConfig {
        pub path: String,
        pub args: Vec<String>,
    }
}

shape! {
    pub struct SupportedProductConfig {
        pub name: String,
        pub args: Vec<String>,
    }
}

shape! {
    pub struct Application {
        pub name: String,
        pub version: String,
        pub args: Vec<String>,
        pub additional_info: BTreeMap<String, String>,
    }
}

shape! {
    /// Recursive: a classification may hold further classifications.
    pub struct Configuration {
        pub classification: String,
        pub configurations: Vec<Configuration>,
        pub properties: BTreeMap<String, Property>,
    }
}

shape! {
    pub struct KerberosAttributes {
        pub realm: String,
        pub kdc_admin_password: Secret,
        pub cross_realm_trust_principal_password: Secret,
        #[serde(rename = "ADDomainJoinUser")]
        pub ad_domain_join_user: String,
        #[serde(rename = "ADDomainJoinPassword")]
        pub ad_domain_join_password: Secret,
    }
}

shape! {
    pub struct ManagedScalingPolicy {
        pub compute_limits: ComputeLimits,
        pub utilization_performance_index: i32,
        pub scaling_strategy: Enum<emr::ScalingStrategy>,
    }
}

shape! {
    pub struct ComputeLimits {
        pub unit_type: Enum<emr::ComputeLimitsUnitType>,
        pub minimum_capacity_units: i32,
        pub maximum_capacity_units: i32,
        pub maximum_on_demand_capacity_units: i32,
        pub maximum_core_capacity_units: i32,
    }
}

shape! {
    pub struct PlacementGroupConfig {
        pub instance_role: Enum<emr::InstanceRoleType>,
        pub placement_strategy: Enum<emr::PlacementGroupStrategy>,
    }
}

shape! {
    pub struct AutoTerminationPolicy {
        pub idle_timeout: i64,
    }
}

shape! {
    pub struct MonitoringConfiguration {
        pub cloud_watch_log_configuration: CloudWatchLogConfiguration,
        pub s3_logging_configuration: S3LoggingConfiguration,
    }
}

shape! {
    pub struct CloudWatchLogConfiguration {
        pub enabled: bool,
        pub log_group_name: String,
        pub log_stream_name_prefix: String,
        pub encryption_key_arn: String,
        pub log_types: BTreeMap<String, Vec<String>>,
    }
}

shape! {
    pub struct S3LoggingConfiguration {
        pub log_type_upload_policy: BTreeMap<Enum<emr::LogType>, Enum<emr::LogUploadPolicyValue>>,
    }
}
