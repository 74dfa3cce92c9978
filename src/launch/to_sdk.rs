//! The model, field by field, into the aws-sdk-emr types. Every field of every struct is
//! carried over (the destructuring patterns below make the compiler check that none is
//! forgotten when a field is added to the model).

use aws_sdk_emr::operation::run_job_flow::builders::RunJobFlowFluentBuilder;
use aws_sdk_emr::types as emr;

use super::model::*;

fn list<T, U>(items: &Option<Vec<T>>, f: impl Fn(&T) -> U) -> Option<Vec<U>> {
    items.as_ref().map(|v| v.iter().map(f).collect())
}

fn sdk_enum<E: SdkEnum>(value: &Option<Enum<E>>) -> Option<E> {
    value.as_ref().map(Enum::to_sdk)
}

fn secret(value: &Option<Secret>) -> Option<String> {
    value.as_ref().map(|s| s.expose().to_owned())
}

/// Fills a RunJobFlow call with the whole request.
pub fn run_job_flow(
    request: &RunJobFlow,
    call: RunJobFlowFluentBuilder,
) -> RunJobFlowFluentBuilder {
    let RunJobFlow {
        name,
        log_uri,
        log_encryption_kms_key_id,
        additional_info,
        ami_version,
        release_label,
        instances,
        steps,
        step_execution_role_arn,
        bootstrap_actions,
        supported_products,
        new_supported_products,
        applications,
        configurations,
        visible_to_all_users,
        job_flow_role,
        service_role,
        tags,
        security_configuration,
        auto_scaling_role,
        scale_down_behavior,
        custom_ami_id,
        ebs_root_volume_size,
        repo_upgrade_on_boot,
        kerberos_attributes,
        step_concurrency_level,
        managed_scaling_policy,
        placement_group_configs,
        auto_termination_policy,
        os_release_label,
        ebs_root_volume_iops,
        ebs_root_volume_throughput,
        extended_support,
        monitoring_configuration,
        session_enabled,
    } = request;
    call.set_name(name.clone())
        .set_log_uri(log_uri.clone())
        .set_log_encryption_kms_key_id(log_encryption_kms_key_id.clone())
        .set_additional_info(additional_info.clone())
        .set_ami_version(ami_version.clone())
        .set_release_label(release_label.clone())
        .set_instances(instances.as_ref().map(instances_config))
        .set_steps(list(steps, step))
        .set_step_execution_role_arn(step_execution_role_arn.clone())
        .set_bootstrap_actions(list(bootstrap_actions, bootstrap_action))
        .set_supported_products(supported_products.clone())
        .set_new_supported_products(list(new_supported_products, |p| {
            emr::SupportedProductConfig::builder()
                .set_name(p.name.clone())
                .set_args(p.args.clone())
                .build()
        }))
        .set_applications(list(applications, application))
        .set_configurations(list(configurations, configuration))
        .set_visible_to_all_users(*visible_to_all_users)
        .set_job_flow_role(job_flow_role.clone())
        .set_service_role(service_role.clone())
        .set_tags(list(tags, |t| {
            emr::Tag::builder()
                .set_key(t.key.clone())
                .set_value(t.value.clone())
                .build()
        }))
        .set_security_configuration(security_configuration.clone())
        .set_auto_scaling_role(auto_scaling_role.clone())
        .set_scale_down_behavior(sdk_enum(scale_down_behavior))
        .set_custom_ami_id(custom_ami_id.clone())
        .set_ebs_root_volume_size(*ebs_root_volume_size)
        .set_repo_upgrade_on_boot(sdk_enum(repo_upgrade_on_boot))
        .set_kerberos_attributes(kerberos_attributes.as_ref().map(kerberos))
        .set_step_concurrency_level(*step_concurrency_level)
        .set_managed_scaling_policy(managed_scaling_policy.as_ref().map(managed_scaling))
        .set_placement_group_configs(list(placement_group_configs, |p| {
            emr::PlacementGroupConfig::builder()
                .set_instance_role(sdk_enum(&p.instance_role))
                .set_placement_strategy(sdk_enum(&p.placement_strategy))
                .build()
        }))
        .set_auto_termination_policy(auto_termination_policy.as_ref().map(|p| {
            emr::AutoTerminationPolicy::builder()
                .set_idle_timeout(p.idle_timeout)
                .build()
        }))
        .set_os_release_label(os_release_label.clone())
        .set_ebs_root_volume_iops(*ebs_root_volume_iops)
        .set_ebs_root_volume_throughput(*ebs_root_volume_throughput)
        .set_extended_support(*extended_support)
        .set_monitoring_configuration(monitoring_configuration.as_ref().map(monitoring))
        .set_session_enabled(*session_enabled)
}

fn instances_config(i: &JobFlowInstancesConfig) -> emr::JobFlowInstancesConfig {
    let JobFlowInstancesConfig {
        master_instance_type,
        slave_instance_type,
        instance_count,
        instance_groups,
        instance_fleets,
        ec2_key_name,
        placement,
        keep_job_flow_alive_when_no_steps,
        termination_protected,
        unhealthy_node_replacement,
        hadoop_version,
        ec2_subnet_id,
        ec2_subnet_ids,
        emr_managed_master_security_group,
        emr_managed_slave_security_group,
        service_access_security_group,
        additional_master_security_groups,
        additional_slave_security_groups,
    } = i;
    emr::JobFlowInstancesConfig::builder()
        .set_master_instance_type(master_instance_type.clone())
        .set_slave_instance_type(slave_instance_type.clone())
        .set_instance_count(*instance_count)
        .set_instance_groups(list(instance_groups, instance_group))
        .set_instance_fleets(list(instance_fleets, instance_fleet))
        .set_ec2_key_name(ec2_key_name.clone())
        .set_placement(placement.as_ref().map(|p| {
            emr::PlacementType::builder()
                .set_availability_zone(p.availability_zone.clone())
                .set_availability_zones(p.availability_zones.clone())
                .build()
        }))
        .set_keep_job_flow_alive_when_no_steps(*keep_job_flow_alive_when_no_steps)
        .set_termination_protected(*termination_protected)
        .set_unhealthy_node_replacement(*unhealthy_node_replacement)
        .set_hadoop_version(hadoop_version.clone())
        .set_ec2_subnet_id(ec2_subnet_id.clone())
        .set_ec2_subnet_ids(ec2_subnet_ids.clone())
        .set_emr_managed_master_security_group(emr_managed_master_security_group.clone())
        .set_emr_managed_slave_security_group(emr_managed_slave_security_group.clone())
        .set_service_access_security_group(service_access_security_group.clone())
        .set_additional_master_security_groups(additional_master_security_groups.clone())
        .set_additional_slave_security_groups(additional_slave_security_groups.clone())
        .build()
}

fn instance_group(g: &InstanceGroupConfig) -> emr::InstanceGroupConfig {
    let InstanceGroupConfig {
        name,
        market,
        instance_role,
        bid_price,
        instance_type,
        instance_count,
        configurations,
        ebs_configuration,
        auto_scaling_policy,
        custom_ami_id,
    } = g;
    emr::InstanceGroupConfig::builder()
        .set_name(name.clone())
        .set_market(sdk_enum(market))
        .set_instance_role(sdk_enum(instance_role))
        .set_bid_price(bid_price.clone())
        .set_instance_type(instance_type.clone())
        .set_instance_count(*instance_count)
        .set_configurations(list(configurations, configuration))
        .set_ebs_configuration(ebs_configuration.as_ref().map(ebs))
        .set_auto_scaling_policy(auto_scaling_policy.as_ref().map(auto_scaling))
        .set_custom_ami_id(custom_ami_id.clone())
        .build()
}

fn instance_fleet(f: &InstanceFleetConfig) -> emr::InstanceFleetConfig {
    let InstanceFleetConfig {
        name,
        instance_fleet_type,
        target_on_demand_capacity,
        target_spot_capacity,
        instance_type_configs,
        launch_specifications,
        resize_specifications,
        context,
    } = f;
    emr::InstanceFleetConfig::builder()
        .set_name(name.clone())
        .set_instance_fleet_type(sdk_enum(instance_fleet_type))
        .set_target_on_demand_capacity(*target_on_demand_capacity)
        .set_target_spot_capacity(*target_spot_capacity)
        .set_instance_type_configs(list(instance_type_configs, instance_type_config))
        .set_launch_specifications(launch_specifications.as_ref().map(|l| {
            emr::InstanceFleetProvisioningSpecifications::builder()
                .set_spot_specification(l.spot_specification.as_ref().map(|s| {
                    emr::SpotProvisioningSpecification::builder()
                        .set_timeout_duration_minutes(s.timeout_duration_minutes)
                        .set_timeout_action(sdk_enum(&s.timeout_action))
                        .set_block_duration_minutes(s.block_duration_minutes)
                        .set_allocation_strategy(sdk_enum(&s.allocation_strategy))
                        .build()
                }))
                .set_on_demand_specification(l.on_demand_specification.as_ref().map(|o| {
                    emr::OnDemandProvisioningSpecification::builder()
                        .set_allocation_strategy(sdk_enum(&o.allocation_strategy))
                        .set_capacity_reservation_options(
                            o.capacity_reservation_options.as_ref().map(reservation),
                        )
                        .build()
                }))
                .build()
        }))
        .set_resize_specifications(resize_specifications.as_ref().map(|r| {
            emr::InstanceFleetResizingSpecifications::builder()
                .set_spot_resize_specification(r.spot_resize_specification.as_ref().map(|s| {
                    emr::SpotResizingSpecification::builder()
                        .set_timeout_duration_minutes(s.timeout_duration_minutes)
                        .set_allocation_strategy(sdk_enum(&s.allocation_strategy))
                        .build()
                }))
                .set_on_demand_resize_specification(r.on_demand_resize_specification.as_ref().map(
                    |o| {
                        emr::OnDemandResizingSpecification::builder()
                            .set_timeout_duration_minutes(o.timeout_duration_minutes)
                            .set_allocation_strategy(sdk_enum(&o.allocation_strategy))
                            .set_capacity_reservation_options(
                                o.capacity_reservation_options.as_ref().map(reservation),
                            )
                            .build()
                    },
                ))
                .build()
        }))
        .set_context(context.clone())
        .build()
}

fn reservation(o: &OnDemandCapacityReservationOptions) -> emr::OnDemandCapacityReservationOptions {
    emr::OnDemandCapacityReservationOptions::builder()
        .set_usage_strategy(sdk_enum(&o.usage_strategy))
        .set_capacity_reservation_preference(sdk_enum(&o.capacity_reservation_preference))
        .set_capacity_reservation_resource_group_arn(
            o.capacity_reservation_resource_group_arn.clone(),
        )
        .build()
}

fn instance_type_config(t: &InstanceTypeConfig) -> emr::InstanceTypeConfig {
    let InstanceTypeConfig {
        instance_type,
        weighted_capacity,
        bid_price,
        bid_price_as_percentage_of_on_demand_price,
        ebs_configuration,
        configurations,
        custom_ami_id,
        priority,
    } = t;
    emr::InstanceTypeConfig::builder()
        .set_instance_type(instance_type.clone())
        .set_weighted_capacity(*weighted_capacity)
        .set_bid_price(bid_price.clone())
        .set_bid_price_as_percentage_of_on_demand_price(*bid_price_as_percentage_of_on_demand_price)
        .set_ebs_configuration(ebs_configuration.as_ref().map(ebs))
        .set_configurations(list(configurations, configuration))
        .set_custom_ami_id(custom_ami_id.clone())
        .set_priority(*priority)
        .build()
}

fn ebs(c: &EbsConfiguration) -> emr::EbsConfiguration {
    emr::EbsConfiguration::builder()
        .set_ebs_block_device_configs(list(&c.ebs_block_device_configs, |d| {
            emr::EbsBlockDeviceConfig::builder()
                .set_volume_specification(d.volume_specification.as_ref().map(|v| {
                    emr::VolumeSpecification::builder()
                        .set_volume_type(v.volume_type.clone())
                        .set_iops(v.iops)
                        .set_size_in_gb(v.size_in_gb)
                        .set_throughput(v.throughput)
                        .build()
                }))
                .set_volumes_per_instance(d.volumes_per_instance)
                .build()
        }))
        .set_ebs_optimized(c.ebs_optimized)
        .build()
}

fn auto_scaling(p: &AutoScalingPolicy) -> emr::AutoScalingPolicy {
    emr::AutoScalingPolicy::builder()
        .set_constraints(p.constraints.as_ref().map(|c| {
            emr::ScalingConstraints::builder()
                .set_min_capacity(c.min_capacity)
                .set_max_capacity(c.max_capacity)
                .build()
        }))
        .set_rules(list(&p.rules, scaling_rule))
        .build()
}

fn scaling_rule(r: &ScalingRule) -> emr::ScalingRule {
    emr::ScalingRule::builder()
        .set_name(r.name.clone())
        .set_description(r.description.clone())
        .set_action(r.action.as_ref().map(|a| {
            emr::ScalingAction::builder()
                .set_market(sdk_enum(&a.market))
                .set_simple_scaling_policy_configuration(
                    a.simple_scaling_policy_configuration.as_ref().map(|s| {
                        emr::SimpleScalingPolicyConfiguration::builder()
                            .set_adjustment_type(sdk_enum(&s.adjustment_type))
                            .set_scaling_adjustment(s.scaling_adjustment)
                            .set_cool_down(s.cool_down)
                            .build()
                    }),
                )
                .build()
        }))
        .set_trigger(r.trigger.as_ref().map(|t| {
            emr::ScalingTrigger::builder()
                .set_cloud_watch_alarm_definition(
                    t.cloud_watch_alarm_definition.as_ref().map(alarm),
                )
                .build()
        }))
        .build()
}

fn alarm(a: &CloudWatchAlarmDefinition) -> emr::CloudWatchAlarmDefinition {
    let CloudWatchAlarmDefinition {
        comparison_operator,
        evaluation_periods,
        metric_name,
        namespace,
        period,
        statistic,
        threshold,
        unit,
        dimensions,
    } = a;
    emr::CloudWatchAlarmDefinition::builder()
        .set_comparison_operator(sdk_enum(comparison_operator))
        .set_evaluation_periods(*evaluation_periods)
        .set_metric_name(metric_name.clone())
        .set_namespace(namespace.clone())
        .set_period(*period)
        .set_statistic(sdk_enum(statistic))
        .set_threshold(*threshold)
        .set_unit(sdk_enum(unit))
        .set_dimensions(list(dimensions, |d| {
            emr::MetricDimension::builder()
                .set_key(d.key.clone())
                .set_value(d.value.clone())
                .build()
        }))
        .build()
}

fn step(s: &StepConfig) -> emr::StepConfig {
    let StepConfig {
        name,
        action_on_failure,
        hadoop_jar_step,
        step_monitoring_configuration,
    } = s;
    emr::StepConfig::builder()
        .set_name(name.clone())
        .set_action_on_failure(sdk_enum(action_on_failure))
        .set_hadoop_jar_step(hadoop_jar_step.as_ref().map(|h| {
            emr::HadoopJarStepConfig::builder()
                .set_properties(list(&h.properties, |p| {
                    emr::KeyValue::builder()
                        .set_key(p.key.clone())
                        .set_value(p.value.clone())
                        .build()
                }))
                .set_jar(h.jar.clone())
                .set_main_class(h.main_class.clone())
                .set_args(h.args.clone())
                .build()
        }))
        .set_step_monitoring_configuration(step_monitoring_configuration.as_ref().map(|m| {
            emr::StepMonitoringConfiguration::builder()
                .set_s3_monitoring_configuration(m.s3_monitoring_configuration.as_ref().map(|s| {
                    emr::S3MonitoringConfiguration::builder()
                        .set_log_uri(s.log_uri.clone())
                        .set_encryption_key_arn(s.encryption_key_arn.clone())
                        .build()
                }))
                .build()
        }))
        .build()
}

fn bootstrap_action(b: &BootstrapActionConfig) -> emr::BootstrapActionConfig {
    emr::BootstrapActionConfig::builder()
        .set_name(b.name.clone())
        .set_script_bootstrap_action(b.script_bootstrap_action.as_ref().map(|s| {
            emr::ScriptBootstrapActionConfig::builder()
                .set_path(s.path.clone())
                .set_args(s.args.clone())
                .build()
        }))
        .build()
}

fn application(a: &Application) -> emr::Application {
    emr::Application::builder()
        .set_name(a.name.clone())
        .set_version(a.version.clone())
        .set_args(a.args.clone())
        .set_additional_info(
            a.additional_info
                .as_ref()
                .map(|m| m.clone().into_iter().collect()),
        )
        .build()
}

pub fn configuration(c: &Configuration) -> emr::Configuration {
    emr::Configuration::builder()
        .set_classification(c.classification.clone())
        .set_configurations(list(&c.configurations, configuration))
        .set_properties(c.properties.as_ref().map(|p| {
            p.iter()
                .map(|(k, v)| (k.clone(), v.expose().to_owned()))
                .collect()
        }))
        .build()
}

fn kerberos(k: &KerberosAttributes) -> emr::KerberosAttributes {
    emr::KerberosAttributes::builder()
        .set_realm(k.realm.clone())
        .set_kdc_admin_password(secret(&k.kdc_admin_password))
        .set_cross_realm_trust_principal_password(secret(&k.cross_realm_trust_principal_password))
        .set_ad_domain_join_user(k.ad_domain_join_user.clone())
        .set_ad_domain_join_password(secret(&k.ad_domain_join_password))
        .build()
}

fn managed_scaling(m: &ManagedScalingPolicy) -> emr::ManagedScalingPolicy {
    emr::ManagedScalingPolicy::builder()
        .set_compute_limits(m.compute_limits.as_ref().map(|c| {
            emr::ComputeLimits::builder()
                .set_unit_type(sdk_enum(&c.unit_type))
                .set_minimum_capacity_units(c.minimum_capacity_units)
                .set_maximum_capacity_units(c.maximum_capacity_units)
                .set_maximum_on_demand_capacity_units(c.maximum_on_demand_capacity_units)
                .set_maximum_core_capacity_units(c.maximum_core_capacity_units)
                .build()
        }))
        .set_utilization_performance_index(m.utilization_performance_index)
        .set_scaling_strategy(sdk_enum(&m.scaling_strategy))
        .build()
}

fn monitoring(m: &MonitoringConfiguration) -> emr::MonitoringConfiguration {
    emr::MonitoringConfiguration::builder()
        .set_cloud_watch_log_configuration(m.cloud_watch_log_configuration.as_ref().map(|c| {
            emr::CloudWatchLogConfiguration::builder()
                .set_enabled(c.enabled)
                .set_log_group_name(c.log_group_name.clone())
                .set_log_stream_name_prefix(c.log_stream_name_prefix.clone())
                .set_encryption_key_arn(c.encryption_key_arn.clone())
                .set_log_types(
                    c.log_types
                        .as_ref()
                        .map(|m| m.clone().into_iter().collect()),
                )
                .build()
        }))
        .set_s3_logging_configuration(m.s3_logging_configuration.as_ref().map(|s| {
            emr::S3LoggingConfiguration::builder()
                .set_log_type_upload_policy(
                    s.log_type_upload_policy
                        .as_ref()
                        .map(|m| m.iter().map(|(k, v)| (k.to_sdk(), v.to_sdk())).collect()),
                )
                .build()
        }))
        .build()
}
