//! Print the readings our engine chooses for names given on stdin (`id<TAB>name<TAB>…`), one
//! line per name: `id, name, readings, sources`. A helper for reviewing table coverage
//! (e.g. county names against another library) from scripts.
//!
//! Run: cut -f1,2 names.tsv | cargo run -p toponym-romanise --example readings

use std::io::BufRead;

use toponym_romanise::{Request, Romaniser};

fn main() {
    let r = Romaniser::builtin();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let mut c = line.split('\t');
        let (Some(id), Some(name)) = (c.next(), c.next()) else {
            continue;
        };
        let req = Request {
            admin_code: Some(id),
            ..Request::new(name)
        };
        match r.explain(&req) {
            Some(rs) => {
                let p: Vec<&str> = rs.iter().map(|x| x.pinyin.as_str()).collect();
                let s: Vec<String> = rs.iter().map(|x| format!("{:?}", x.source)).collect();
                println!("{id}\t{name}\t{}\t{}", p.join(" "), s.join(" "));
            }
            None => println!("{id}\t{name}\t-\t-"),
        }
    }
}
