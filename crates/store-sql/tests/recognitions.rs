//! The recognitions part of the store, run on SQLite always and on PostgreSQL when
//! INNOZONE_TEST_POSTGRES_URL is set: every test below is expanded once per backend.

use std::sync::Arc;

use innozone_domain::registry::dataset::{
    Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership,
};
use innozone_domain::registry::{
    CreditCode, EnterpriseDraft, EnterpriseId, IndustryCode, Recognition, RegistrationType,
    SizeClass, Tier, UnitCode, UnitDraft, UnitKind,
};
use innozone_store::{
    Actor, AuditQuery, NewRecognition, RecognitionSource, RecordedRecognitions, Store, StoreError,
};
use time::Date;
use time::macros::date;

type Db = Arc<dyn Store>;

use innozone_store_sql::on_both_backends;

/// When the tests' writes happen: the store never reads the clock, its caller says.
const AT: i64 = 1_767_225_600; // 2026-01-01 00:00 UTC

on_both_backends!(
    loaded_recognitions_are_the_examples,
    recorded_recognitions_are_kept_with_source_and_audited,
    a_duplicate_certificate_writes_nothing,
    the_same_number_in_another_tier_is_another_certificate,
    an_unknown_enterprise_writes_nothing,
    a_correction_keeps_the_earlier_version,
    a_correction_of_another_enterprises_certificate_is_refused,
    expiring_certificates_in_a_window_with_their_enterprise,
    a_recognition_moves_the_monitoring_fingerprint,
);

// ---- fixtures ----

fn actor() -> Actor {
    Actor::user(1, "admin", AT)
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn credit(n: u32) -> CreditCode {
    CreditCode::complete(&format!("91620100MA{n:07}")).unwrap()
}

fn unit_draft(c: &str, kind: UnitKind) -> UnitDraft {
    UnitDraft {
        code: code(c),
        name_zh: c.to_string(),
        name_en: None,
        kind,
        area_km2: None,
        population: None,
        leading_industries: vec![],
        spatial_role: None,
    }
}

fn enterprise(n: u32, park: &str, recognitions: Vec<Recognition>) -> DatasetEnterprise {
    DatasetEnterprise {
        draft: EnterpriseDraft {
            credit_code: credit(n),
            name: format!("企业{n}"),
            industry: IndustryCode::parse("6511").unwrap(),
            high_tech_field: None,
            size_class: SizeClass::AboveScale,
            registration_type: RegistrationType::LimitedLiability,
            contact_name: None,
            contact_phone: None,
            in_survey: true,
        },
        locations: vec![DatasetLocation {
            park: code(park),
            from: date!(2015 - 01 - 01),
            until: None,
        }],
        recognitions,
    }
}

fn recognition(tier: Tier, no: &str, issued: Date, expires: Option<Date>) -> Recognition {
    Recognition {
        tier,
        certificate_no: no.to_string(),
        issued_on: issued,
        expires_on: expires,
    }
}

/// A zone Z with parks P1 and P2; enterprise 1 in P1 holding GR2019 (high-tech,
/// 2019-10-01 to 2022-10-01), enterprise 2 in P2 with none.
async fn load(store: &Db) -> (EnterpriseId, EnterpriseId) {
    let dataset = Dataset {
        units: vec![
            unit_draft("Z", UnitKind::Zone),
            unit_draft("P1", UnitKind::Park),
            unit_draft("P2", UnitKind::Park),
        ],
        memberships: ["P1", "P2"]
            .iter()
            .map(|p| DatasetMembership {
                child: code(p),
                parent: code("Z"),
                from: date!(2010 - 01 - 01),
                until: None,
            })
            .collect(),
        enterprises: vec![
            enterprise(
                1,
                "P1",
                vec![recognition(
                    Tier::HighTech,
                    "GR2019",
                    date!(2019 - 10 - 01),
                    Some(date!(2022 - 10 - 01)),
                )],
            ),
            enterprise(2, "P2", vec![]),
        ],
    };
    store
        .load_dataset(&dataset, &Actor::system(AT), &|_| {})
        .await
        .unwrap();
    let id = |n| async move {
        store
            .enterprise_by_code(&credit(n), date!(2026 - 01 - 01))
            .await
            .unwrap()
            .unwrap()
            .id
    };
    (id(1).await, id(2).await)
}

fn new(enterprise: EnterpriseId, r: Recognition) -> NewRecognition {
    NewRecognition {
        enterprise,
        recognition: r,
        authority: Some("甘肃省科学技术厅".to_string()),
        source: RecognitionSource::Imported,
        corrects: None,
    }
}

async fn audit_count(store: &Db, entity: &str) -> i64 {
    store
        .audit(&AuditQuery {
            entity: Some(entity.to_string()),
            limit: 1000,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .1
}

/// Every version of every recognition of both enterprises, as (tier, certificate,
/// issued, expires, replaced).
async fn everything(
    store: &Db,
    ids: (EnterpriseId, EnterpriseId),
) -> Vec<(Tier, String, Date, Option<Date>, bool)> {
    let mut out = Vec::new();
    for id in [ids.0, ids.1] {
        for r in store.recognition_history(id).await.unwrap() {
            out.push((
                r.recognition.tier,
                r.recognition.certificate_no,
                r.recognition.issued_on,
                r.recognition.expires_on,
                r.replaced.is_some(),
            ));
        }
    }
    out
}

// ---- tests ----

async fn loaded_recognitions_are_the_examples(store: Db) {
    let (a, _) = load(&store).await;
    let history = store.recognition_history(a).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].source, RecognitionSource::Example);
    assert_eq!(history[0].recorded_by, "system");
    assert!(history[0].replaced.is_none());
    assert_eq!(history[0].recognition.certificate_no, "GR2019");
}

async fn recorded_recognitions_are_kept_with_source_and_audited(store: Db) {
    let (a, b) = load(&store).await;
    let done = store
        .record_recognitions(
            &[
                new(
                    a,
                    recognition(
                        Tier::TechSme,
                        "KJ2024-1",
                        date!(2024 - 05 - 01),
                        Some(date!(2025 - 05 - 01)),
                    ),
                ),
                new(
                    b,
                    recognition(
                        Tier::HighTech,
                        "GR2023",
                        date!(2023 - 11 - 01),
                        Some(date!(2026 - 11 - 01)),
                    ),
                ),
            ],
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(
        done,
        RecordedRecognitions {
            created: 2,
            corrected: 0
        }
    );
    let of_b = store.recognition_history(b).await.unwrap();
    assert_eq!(of_b.len(), 1);
    assert_eq!(of_b[0].source, RecognitionSource::Imported);
    assert_eq!(of_b[0].recorded_by, "admin");
    assert_eq!(of_b[0].authority.as_deref(), Some("甘肃省科学技术厅"));
    // Ordered by issue date: the loaded 2019 certificate, then the 2024 one.
    let of_a: Vec<String> = store
        .recognition_history(a)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.recognition.certificate_no)
        .collect();
    assert_eq!(of_a, ["GR2019", "KJ2024-1"]);
    // The registry's read sees them too.
    assert_eq!(store.recognitions(b).await.unwrap().len(), 1);
    assert_eq!(audit_count(&store, "recognition").await, 2);
    let found = store
        .recognitions_by_certificate(&[
            (Tier::HighTech, "GR2023".to_string()),
            (Tier::TechSme, "GR2023".to_string()),
        ])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].enterprise, b);
}

async fn a_duplicate_certificate_writes_nothing(store: Db) {
    let ids = load(&store).await;
    let before = everything(&store, ids).await;
    // Against the store: GR2019 is enterprise 1's high-tech certificate.
    let err = store
        .record_recognitions(
            &[
                new(
                    ids.1,
                    recognition(Tier::TechSme, "KJ1", date!(2024 - 05 - 01), None),
                ),
                new(
                    ids.1,
                    recognition(Tier::HighTech, "GR2019", date!(2019 - 10 - 01), None),
                ),
            ],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "recognition", ref key } if key == "high_tech/GR2019"),
        "{err:?}"
    );
    // Twice in one write.
    let err = store
        .record_recognitions(
            &[
                new(
                    ids.0,
                    recognition(Tier::TechSme, "KJ2", date!(2024 - 05 - 01), None),
                ),
                new(
                    ids.1,
                    recognition(Tier::TechSme, "KJ2", date!(2024 - 06 - 01), None),
                ),
            ],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { entity: "recognition", ref key } if key == "tech_sme/KJ2"),
        "{err:?}"
    );
    assert_eq!(everything(&store, ids).await, before);
    assert_eq!(audit_count(&store, "recognition").await, 0);
}

async fn the_same_number_in_another_tier_is_another_certificate(store: Db) {
    let (_, b) = load(&store).await;
    store
        .record_recognitions(
            &[new(
                b,
                recognition(Tier::Gazelle, "GR2019", date!(2021 - 01 - 01), None),
            )],
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(store.recognition_history(b).await.unwrap().len(), 1);
}

async fn an_unknown_enterprise_writes_nothing(store: Db) {
    let ids = load(&store).await;
    let err = store
        .record_recognitions(
            &[
                new(
                    ids.0,
                    recognition(Tier::TechSme, "KJ1", date!(2024 - 05 - 01), None),
                ),
                new(
                    EnterpriseId(9999),
                    recognition(Tier::TechSme, "KJ2", date!(2024 - 05 - 01), None),
                ),
            ],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { entity: "enterprise", ref key } if key == "9999"),
        "{err:?}"
    );
    assert_eq!(store.recognition_history(ids.0).await.unwrap().len(), 1);
}

async fn a_correction_keeps_the_earlier_version(store: Db) {
    let (a, _) = load(&store).await;
    let current = store.recognition_history(a).await.unwrap().remove(0);
    // Revoked early: the expiry brought forward.
    let done = store
        .record_recognitions(
            &[NewRecognition {
                corrects: Some(current.id),
                source: RecognitionSource::Entered,
                ..new(
                    a,
                    recognition(
                        Tier::HighTech,
                        "GR2019",
                        date!(2019 - 10 - 01),
                        Some(date!(2021 - 03 - 15)),
                    ),
                )
            }],
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(
        done,
        RecordedRecognitions {
            created: 0,
            corrected: 1
        }
    );
    let history = store.recognition_history(a).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0].recognition.expires_on,
        Some(date!(2021 - 03 - 15))
    );
    assert_eq!(history[0].source, RecognitionSource::Entered);
    assert!(history[0].replaced.is_none());
    assert_eq!(history[1].id, current.id);
    assert_eq!(
        history[1].recognition.expires_on,
        Some(date!(2022 - 10 - 01))
    );
    assert_eq!(history[1].source, RecognitionSource::Example);
    assert_eq!(history[1].replaced.as_ref().unwrap().by, "admin");
    // Counts read the current version only.
    assert_eq!(store.recognitions(a).await.unwrap().len(), 1);
    let entries = store
        .audit(&AuditQuery {
            entity: Some("recognition".to_string()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .0;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "recognition.correct");
    assert_eq!(
        entries[0].before.as_ref().unwrap()["expires_on"],
        "2022-10-01"
    );
    assert_eq!(
        entries[0].after.as_ref().unwrap()["expires_on"],
        "2021-03-15"
    );
}

async fn a_correction_of_another_enterprises_certificate_is_refused(store: Db) {
    let ids = load(&store).await;
    let current = store.recognition_history(ids.0).await.unwrap().remove(0);
    let before = everything(&store, ids).await;
    let err = store
        .record_recognitions(
            &[NewRecognition {
                corrects: Some(current.id),
                ..new(
                    ids.1,
                    recognition(Tier::HighTech, "GR2019", date!(2019 - 10 - 01), None),
                )
            }],
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                entity: "recognition",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(everything(&store, ids).await, before);
}

async fn expiring_certificates_in_a_window_with_their_enterprise(store: Db) {
    let (a, b) = load(&store).await;
    store
        .record_recognitions(
            &[
                new(
                    b,
                    recognition(
                        Tier::HighTech,
                        "GR2020",
                        date!(2019 - 12 - 01),
                        Some(date!(2022 - 12 - 01)),
                    ),
                ),
                new(
                    b,
                    recognition(
                        Tier::TechSme,
                        "KJ",
                        date!(2022 - 01 - 01),
                        Some(date!(2022 - 04 - 01)),
                    ),
                ),
                new(
                    b,
                    recognition(Tier::Leading, "LT", date!(2022 - 01 - 01), None),
                ),
            ],
            &actor(),
        )
        .await
        .unwrap();
    let listed = store
        .recognitions_expiring(date!(2022 - 06 - 01), date!(2022 - 12 - 01))
        .await
        .unwrap();
    let got: Vec<(&str, EnterpriseId, String)> = listed
        .iter()
        .map(|l| {
            (
                l.record.recognition.certificate_no.as_str(),
                l.record.enterprise,
                l.name.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("GR2019", a, "企业1".to_string()),
            ("GR2020", b, "企业2".to_string())
        ]
    );
    assert_eq!(listed[0].credit_code, credit(1));
    let parks = store.hierarchy().await.unwrap();
    assert_eq!(listed[1].park, Some(parks.unit_by_code("P2").unwrap().id));
    // Both ends included.
    assert_eq!(
        store
            .recognitions_expiring(date!(2022 - 04 - 01), date!(2022 - 04 - 01))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn a_recognition_moves_the_monitoring_fingerprint(store: Db) {
    let (_, b) = load(&store).await;
    let before = store.monitoring_fingerprint().await.unwrap();
    store
        .record_recognitions(
            &[new(
                b,
                recognition(Tier::HighTech, "GR2023", date!(2023 - 11 - 01), None),
            )],
            &actor(),
        )
        .await
        .unwrap();
    assert_ne!(store.monitoring_fingerprint().await.unwrap(), before);
}
