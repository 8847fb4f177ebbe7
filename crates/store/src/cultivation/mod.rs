//! Cultivation (梯度培育): the recognitions enterprises hold, and the versions of the
//! ladder of tiers they are checked against. Two small traits, so that a use case of the
//! ladder does not have to know recognitions, and their union for the area.

mod ladders;
mod recognitions;

pub use ladders::{LadderRecord, LadderStore, LadderSummary, NewLadder};
pub use recognitions::{
    ListedRecognition, NewRecognition, RecognitionRecord, RecognitionSource, RecognitionStore,
    RecordedRecognitions, Replaced,
};

/// Everything the store keeps for cultivation.
pub trait CultivationStore: RecognitionStore + LadderStore {}

impl<T: RecognitionStore + LadderStore + ?Sized> CultivationStore for T {}
