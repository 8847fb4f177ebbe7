//! The example's ladder of enterprise tiers (企业梯度培育) with their criteria, each
//! citing the document it comes from; its formulas read the Torch annual form
//! (`forms/torch_annual.toml`). Parse it with
//! `innozone_domain::cultivation::TierSet::parse(TIERS, &form)`.

/// The ladder file.
pub const TIERS: &str = include_str!("../cultivation/tiers.toml");

#[cfg(test)]
mod tests {
    use innozone_domain::cultivation::TierSet;
    use innozone_domain::registry::Tier;
    use innozone_domain::reporting::Form;

    #[test]
    fn the_ladder_compiles_against_the_annual_form_with_every_tier() {
        let form = Form::parse(include_str!("../forms/torch_annual.toml")).unwrap();
        let set = TierSet::parse(super::TIERS, &form).unwrap();
        for tier in Tier::ALL {
            assert!(set.tier(tier).is_some(), "{tier:?} is missing");
        }
    }
}
