//! `cargo xtask`: project automation (codegen, tidy, bench).

fn main() {
    eprintln!("usage: cargo xtask <codegen|tidy|bench>");
    std::process::exit(2);
}
