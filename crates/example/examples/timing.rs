//! Prints how long each scale takes to generate, a few enterprises of the built-in
//! example, and how long its filings and statistics take. Run with
//! `cargo run --release -p innozone-example --example timing`.

use std::time::Instant;

use innozone_example::{Scale, generate};

fn main() {
    for scale in [Scale::Builtin, Scale::Province, Scale::National] {
        let start = Instant::now();
        let data = generate(scale, &|_| {});
        let elapsed = start.elapsed();
        let parks = data.units.iter().filter(|u| u.kind.is_park()).count();
        println!(
            "{scale:?}: {} units ({parks} parks), {} memberships, {} enterprises in {:.2?}",
            data.units.len(),
            data.memberships.len(),
            data.enterprises.len(),
            elapsed
        );
    }
    let data = generate(Scale::Builtin, &|_| {});
    for e in data.enterprises.iter().step_by(997).take(8) {
        let d = &e.draft;
        println!(
            "  {} {} {} {:?} {:?} {} {} {} @{} {}",
            d.credit_code,
            d.name,
            d.industry,
            d.size_class,
            d.registration_type,
            d.contact_name.as_deref().unwrap_or(""),
            d.contact_phone.as_deref().unwrap_or(""),
            if d.in_survey { "入统" } else { "未入统" },
            e.locations
                .iter()
                .map(|l| format!("{}({})", l.park, l.from))
                .collect::<Vec<_>>()
                .join("→"),
            e.recognitions
                .iter()
                .map(|r| r.certificate_no.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    let forms = innozone_example::filings::forms();
    let start = Instant::now();
    let current = innozone_example::filings::lanbai_filings(&data, &forms);
    println!(
        "{} current filings in {:.2?}",
        current.len(),
        start.elapsed()
    );
    let start = Instant::now();
    let historic = innozone_example::filings::historic_filings(&data, &forms);
    println!(
        "{} historic filings in {:.2?}",
        historic.len(),
        start.elapsed()
    );
    let start = Instant::now();
    let statistics = innozone_example::monitoring::statistics(&data);
    println!("{} statistics in {:.2?}", statistics.len(), start.elapsed());
}
