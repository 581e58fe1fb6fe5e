//! GraphQL counterparts of the domain's closed sets. The names are the
//! domain's wire names, so events, API and UI speak the same codes.

use async_graphql::Enum;

use crate::domain;

macro_rules! api_enum {
    ($(#[$doc:meta])* $name:ident => $domain:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl From<$name> for domain::$domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => domain::$domain::$variant),+ }
            }
        }

        impl From<domain::$domain> for $name {
            fn from(value: domain::$domain) -> Self {
                match value { $(domain::$domain::$variant => $name::$variant),+ }
            }
        }

        impl $name {
            /// From a wire name stored in the read models.
            pub fn from_wire(raw: &str) -> Option<Self> {
                domain::$domain::parse(raw).ok().map(Self::from)
            }
        }
    };
}

api_enum!(
    /// Status of a goal (måloppnåelse).
    GoalStatus => GoalStatus {
        /// Ikke startet.
        NotStarted,
        /// Påbegynt.
        InProgress,
        /// Delvis nådd.
        PartiallyAchieved,
        /// Nådd.
        Achieved,
        /// Ikke nådd.
        NotAchieved,
        /// Utgått: left out of the attainment score's denominator.
        Dropped,
    }
);

api_enum!(
    /// Status of an action (tiltak).
    ActionStatus => ActionStatus {
        /// Planlagt.
        Planned,
        /// Pågår.
        Active,
        /// Satt på vent.
        OnHold,
        /// Fullført.
        Completed,
        /// Avbrutt.
        Cancelled,
    }
);

api_enum!(
    /// Where a benefit is in its realisation (gevinstrealisering).
    BenefitStatus => BenefitStatus {
        /// Identifisert.
        Identified,
        /// Planlagt.
        Planned,
        /// Under realisering.
        Realising,
        /// Realisert.
        Realised,
        /// Ikke realisert.
        NotRealised,
    }
);

api_enum!(
    /// Where a strategy is in its life.
    StrategyStatus => StrategyStatus {
        /// Utkast.
        Draft,
        /// Vedtatt.
        Adopted,
        /// Avsluttet.
        Closed,
    }
);

api_enum!(
    /// What kind of undertaking an action is.
    ActionKind => ActionKind {
        /// Hovedprosjekt.
        MainProject,
        /// Delprosjekt.
        SubProject,
        /// Program.
        Programme,
        /// Tiltak.
        Measure,
    }
);

api_enum!(
    /// Cost category of a budget line (budsjettpost).
    BudgetCategory => BudgetCategory {
        /// Prosjektledelse og prosesskostnader.
        ProjectManagement,
        /// Kjøpte tjenester.
        PurchasedServices,
        /// Investering.
        Investment,
        /// Drift.
        Operations,
        /// Frikjøp av interne ressurser.
        InternalResources,
        /// Opplæring og kompetanse.
        Training,
        /// Annet.
        Other,
    }
);

api_enum!(
    /// Who a benefit is for (interessent).
    Stakeholder => Stakeholder {
        /// Brukeren / innbyggeren.
        Citizens,
        /// Ansatte.
        Employees,
        /// Pårørende.
        Relatives,
        /// Organisasjonen.
        Organisation,
        /// Andre aktører.
        OtherActors,
    }
);

api_enum!(
    /// The kind of gain a benefit is.
    BenefitCategory => BenefitCategory {
        /// Effektivisering / budsjettgevinst.
        Efficiency,
        /// Kvalitet.
        Quality,
        /// Gevinster for andre.
        OtherActors,
    }
);

api_enum!(
    /// Whether a higher or lower indicator value is better.
    Direction => Direction {
        /// Høyere er bedre.
        HigherIsBetter,
        /// Lavere er bedre.
        LowerIsBetter,
    }
);

/// What a signed-in identity may do.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Reads strategies and status; sees no actor names.
    Reader,
    /// Reads, sees who changed what, changes its own organizations' data.
    Editor,
    /// Reads everything, including actor names and the full log; changes nothing.
    Auditor,
    /// Everything, including registering organizations.
    Admin,
}

impl From<crate::access::Role> for Role {
    fn from(role: crate::access::Role) -> Self {
        match role {
            crate::access::Role::Reader => Role::Reader,
            crate::access::Role::Editor => Role::Editor,
            crate::access::Role::Auditor => Role::Auditor,
            crate::access::Role::Admin => Role::Admin,
        }
    }
}
