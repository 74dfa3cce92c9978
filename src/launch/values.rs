//! The value types of the RunJobFlow model: [`Secret`] (a password that never prints),
//! [`Property`] (a configuration property, or the password fetched in its place) and
//! [`Enum`] (a string checked against an SDK enum's values when the file is read).

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_emr::types as emr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What every secret prints as, wherever it is printed.
pub const REDACTED: &str = "********";

/// A value that must never be shown: Debug, Display and Serialize all print `********`.
/// Only [`Secret::expose`] gives the value, and only the SDK conversion calls it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A configuration property: as written in the file, or a password fetched from
/// Secrets Manager in place of the secret id the file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    Plain(String),
    Password { secret_id: String, value: Secret },
}

impl Property {
    /// The value to send to EMR.
    pub fn expose(&self) -> &str {
        match self {
            Property::Plain(v) => v,
            Property::Password { value, .. } => value.expose(),
        }
    }
}

impl Serialize for Property {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Property::Plain(v) => s.serialize_str(v),
            Property::Password { value, .. } => value.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Property {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Property::Plain)
    }
}

/// An SDK enum whose accepted values are known, so a file can be checked against them.
pub trait SdkEnum: for<'a> From<&'a str> {
    const NAME: &'static str;
    fn values() -> &'static [&'static str];
}

macro_rules! sdk_enums {
    ($($name:ident),* $(,)?) => {
        $(impl SdkEnum for emr::$name {
            const NAME: &'static str = stringify!($name);
            fn values() -> &'static [&'static str] {
                emr::$name::values()
            }
        })*
    };
}

sdk_enums!(
    ActionOnFailure,
    AdjustmentType,
    ComparisonOperator,
    ComputeLimitsUnitType,
    InstanceFleetType,
    InstanceRoleType,
    LogType,
    LogUploadPolicyValue,
    MarketType,
    OnDemandCapacityReservationPreference,
    OnDemandCapacityReservationUsageStrategy,
    OnDemandProvisioningAllocationStrategy,
    PlacementGroupStrategy,
    RepoUpgradeOnBoot,
    ScaleDownBehavior,
    ScalingStrategy,
    SpotProvisioningAllocationStrategy,
    SpotProvisioningTimeoutAction,
    Statistic,
    Unit,
);

/// A string that must be one of the values of the SDK enum `E`.
pub struct Enum<E> {
    value: String,
    kind: PhantomData<fn() -> E>,
}

impl<E: SdkEnum> Enum<E> {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn to_sdk(&self) -> E {
        E::from(self.value.as_str())
    }
}

impl<E> Clone for Enum<E> {
    fn clone(&self) -> Self {
        Enum {
            value: self.value.clone(),
            kind: PhantomData,
        }
    }
}

impl<E> PartialEq for Enum<E> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<E> Eq for Enum<E> {}

impl<E> PartialOrd for Enum<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Enum<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<E> fmt::Debug for Enum<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<E> Serialize for Enum<E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

impl<'de, E: SdkEnum> Deserialize<'de> for Enum<E> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = String::deserialize(d)?;
        if E::values().contains(&value.as_str()) {
            Ok(Enum {
                value,
                kind: PhantomData,
            })
        } else {
            Err(serde::de::Error::custom(format!(
                "'{value}' is not a valid {}; expected one of {}",
                E::NAME,
                E::values().join(", ")
            )))
        }
    }
}
