//! meekijk-capture: frame sources (screen, synthetic scenes, recorded files) and privacy masks.
