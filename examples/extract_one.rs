//! Prints what extraction finds in one file: metadata, warnings and the text.
//!
//! `cargo run --example extract_one -- <file>`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        return Err("usage: extract_one <file>".into());
    };
    let bytes = std::fs::read(&path)?;
    match stet::extract::extract(&bytes, &path) {
        Ok(e) => {
            println!("format:    {:?}", e.format);
            println!("title:     {:?}", e.title);
            println!("url:       {:?}", e.url);
            println!("published: {:?}", e.published);
            println!("byline:    {:?}", e.byline);
            println!("site:      {:?}", e.site_name);
            println!("warnings:  {:?}", e.warnings);
            println!("---\n{}", e.text);
        }
        Err(e) => println!("error: {e}"),
    }
    Ok(())
}
