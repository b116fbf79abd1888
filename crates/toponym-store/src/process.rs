//! Process-wide memory settings for the programs that write surveys (the CLI and the store
//! benchmark, which measures the store as the CLI runs it).

/// Turns transparent huge pages off for this process (Linux; elsewhere a no-op) and
/// reports whether they are off.
///
/// mimalloc asks the kernel for huge pages for its arenas. A bulk import touches
/// ~100 MB of fresh memory; the first touch of a 2 MiB huge page has the kernel zero all
/// of it at once, and on a virtual machine whose host backs guest memory lazily (this
/// project's reference machine, and most cloud VMs) that cost 2.5 ms per MiB the first
/// time, against 0.35 ms per MiB for 4 KiB pages. On the store benchmark the first
/// 100 000-record import of a process took 1.65–1.77 s instead of 1.87–1.95 s
/// (docs/benchmarks/store.md). The working sets here are far too small for huge pages'
/// fewer TLB misses to matter, and databases commonly advise turning them off for the
/// same reasons (latency spikes, memory bloat). Child processes inherit the setting.
pub fn disable_transparent_huge_pages() -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::thread::{disable_transparent_huge_pages, transparent_huge_pages_are_disabled};
        disable_transparent_huge_pages(true).is_ok()
            && transparent_huge_pages_are_disabled().unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn huge_pages_are_off_afterwards() {
        assert!(super::disable_transparent_huge_pages());
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }
}
