//! Cultivation (梯度培育): `RecognitionStore` (`recognitions.rs`) and `LadderStore`
//! (`ladders.rs`), expanded together for each database by `sql_cultivation!`.

#[macro_use]
pub(crate) mod recognitions;
#[macro_use]
pub(crate) mod ladders;

macro_rules! sql_cultivation {
    (store: $store:ident, db: $db:ty $(,)?) => {
        sql_recognitions! {
            store: $store,
            db: $db,
        }

        sql_ladders! {
            store: $store,
            db: $db,
        }
    };
}
