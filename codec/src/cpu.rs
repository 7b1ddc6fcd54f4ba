//! CPU feature levels for the SIMD kernels (differ, colour conversion), detected once per process.

use std::sync::OnceLock;

/// The instruction-set level a kernel runs at; ordered from lowest to highest.
///
/// `MEEKIJK_CPU=scalar|sse2|avx2` forces a *lower* level than detected (never a higher one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum CpuLevel {
    /// Portable Rust; the reference every other level is tested against.
    Scalar,
    /// x86-64 baseline SSE2.
    #[cfg(target_arch = "x86_64")]
    Sse2,
    /// x86-64 AVX2, when the CPU has it.
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl CpuLevel {
    /// The best level this CPU supports, lowered by `MEEKIJK_CPU` if set. Detected once.
    pub fn detected() -> CpuLevel {
        static LEVEL: OnceLock<CpuLevel> = OnceLock::new();
        *LEVEL.get_or_init(|| {
            let best = Self::best_supported();
            match std::env::var("MEEKIJK_CPU")
                .ok()
                .as_deref()
                .and_then(Self::from_name)
            {
                Some(forced) => forced.min(best),
                None => best,
            }
        })
    }

    /// Every level this CPU can run, lowest first.
    pub fn available() -> Vec<CpuLevel> {
        Self::all()
            .into_iter()
            .filter(|&l| l <= Self::best_supported())
            .collect()
    }

    /// The level's name as `MEEKIJK_CPU` spells it.
    pub fn name(self) -> &'static str {
        match self {
            CpuLevel::Scalar => "scalar",
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Sse2 => "sse2",
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => "avx2",
        }
    }

    fn from_name(name: &str) -> Option<CpuLevel> {
        Self::all()
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(name))
    }

    fn all() -> Vec<CpuLevel> {
        vec![
            CpuLevel::Scalar,
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Sse2,
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2,
        ]
    }

    fn best_supported() -> CpuLevel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                return CpuLevel::Avx2;
            }
            CpuLevel::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        CpuLevel::Scalar
    }
}
