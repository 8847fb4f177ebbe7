// `sqlx::migrate!` embeds the migration files at compile time; without this a changed or
// added migration would not be picked up until something else forced a rebuild.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
