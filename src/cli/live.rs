//! `linju serve` and `linju watch`: their options, and a line on the
//! terminal for each thing that happens while they run.

use std::process::ExitCode;

use clap::Args;

use crate::{OutputArgs, SiteArgs, say};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// TCP port to listen on.
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; 0.0.0.0 lets phones on the same network look.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// After each build, print the time and memory of its phases.
    #[arg(long)]
    timings: bool,
}

/// Options of `linju watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// After each build, print the time and memory of its phases.
    #[arg(long)]
    timings: bool,
}

impl ServeArgs {
    pub fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.site.root);
        let options = self.site.options(OutputArgs {
            output: None,
            base_url: None,
        });
        let address = linju::Address {
            bind: self.bind,
            port: self.port,
        };
        let (open, timings) = (self.open, self.timings);
        let result = linju::serve(options, &address, &mut |event| {
            if let linju::LiveEvent::Serving { site, .. } = &event
                && open
            {
                open_browser(site);
            }
            print_live_event(&event, lang, timings);
        });
        exit_after_live(result, lang)
    }
}

impl WatchArgs {
    pub fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.site.root);
        let options = self.site.options(self.output);
        let timings = self.timings;
        exit_after_live(
            linju::watch(options, &mut |event| {
                print_live_event(&event, lang, timings)
            }),
            lang,
        )
    }
}

fn exit_after_live(result: Result<(), linju::Errors>, lang: linju::Lang) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            eprintln!("{}", errors.render(lang, linju::Label::Error));
            ExitCode::FAILURE
        }
    }
}

/// One line per event, for a writer watching the terminal; with
/// `timings`, each build's phases after its line.
fn print_live_event(event: &linju::LiveEvent<'_>, lang: linju::Lang, timings: bool) {
    if let linju::LiveEvent::Built { report, .. } = event
        && timings
    {
        print_one_event(event, lang);
        crate::timings::print(&report.timings, report.elapsed, lang);
        return;
    }
    print_one_event(event, lang);
}

fn print_one_event(event: &linju::LiveEvent<'_>, lang: linju::Lang) {
    use linju::LiveEvent;
    match event {
        LiveEvent::Serving {
            site,
            editor,
            editor_on_network,
        } => match lang {
            linju::Lang::Zh => {
                println!("预览网址：{site}（按 Ctrl+C 停止）");
                println!(
                    "编辑器：{editor}（在浏览器里写页面、传照片；这个地址带有口令，不要分享给别人）"
                );
                if let Some(phone) = editor_on_network {
                    println!("手机（连同一个 Wi-Fi）打开：{phone}");
                }
            }
            linju::Lang::En => {
                println!("serving the site at {site} (press Ctrl+C to stop)");
                println!("editor at {editor} (the address carries a token: do not share it)");
                if let Some(phone) = editor_on_network {
                    println!("on a phone on the same network: {phone}");
                }
            }
        },
        LiveEvent::Changed(paths) => {
            let names: Vec<String> = paths
                .iter()
                .take(5)
                .map(|p| p.display().to_string())
                .collect();
            let more = paths.len().saturating_sub(5);
            let tail = match (more, lang) {
                (0, _) => String::new(),
                (_, linju::Lang::Zh) => format!(" 等另外 {more} 个"),
                (_, linju::Lang::En) => format!(" and {more} more"),
            };
            println!(
                "{}{}{tail}",
                say(lang, "有改动：", "changed: "),
                names.join(", ")
            );
        }
        LiveEvent::Built {
            report,
            since_change,
        } => print_built(report, *since_change, lang),
        LiveEvent::Polling => {
            eprintln!(
                "{}",
                say(
                    lang,
                    "警告：系统能监视的文件夹数已到上限，改为每半秒检查一次改动。\n  提示：用 `sudo sysctl fs.inotify.max_user_watches=524288` 调高上限",
                    "warning: the system limit on watched folders is reached; checking for changes every half second instead.\n  hint: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`"
                )
            );
        }
        LiveEvent::Scheduled(change) => {
            let reason = change.reason.get(lang);
            match lang {
                linju::Lang::Zh => println!("到点自动更新：{reason}"),
                linju::Lang::En => println!("scheduled rebuild: {reason}"),
            }
        }
        LiveEvent::Failed(errors) => {
            eprintln!("{}", errors.render(lang, linju::Label::Error));
            eprintln!(
                "{}",
                say(
                    lang,
                    "生成失败；现在显示的仍是上一版好的网站。改好文件并保存，会再试一次。",
                    "build failed; the last good site is still served. Fix the file and save to try again."
                )
            );
        }
    }
}

/// One line for a good build or rebuild under `serve`/`watch`, then its
/// warnings and the next scheduled change.
fn print_built(
    report: &linju::RebuildReport,
    since_change: Option<std::time::Duration>,
    lang: linju::Lang,
) {
    let elapsed = report.elapsed.as_millis();
    let (rendered, written, removed) =
        (report.rendered, report.written.len(), report.removed.len());
    let (pages, sections, scope) = (report.pages, report.sections, report.scope.describe(lang));
    match (lang, since_change) {
        (linju::Lang::Zh, Some(total)) => println!(
            "已重新生成（{scope}）：渲染 {rendered} 个，写入 {written} 个，删除 {removed} 个；共 {pages} 个页面、{sections} 个栏目；{elapsed} 毫秒（从改动起 {} 毫秒）",
            total.as_millis()
        ),
        (linju::Lang::Zh, None) => println!(
            "已生成（{scope}）：渲染 {rendered} 个，写入 {written} 个；共 {pages} 个页面、{sections} 个栏目；{elapsed} 毫秒"
        ),
        (linju::Lang::En, Some(total)) => println!(
            "rebuilt {scope}: {rendered} rendered, {written} written, {removed} removed; {pages} pages in {sections} sections; {elapsed} ms ({} ms since the change)",
            total.as_millis()
        ),
        (linju::Lang::En, None) => println!(
            "built {scope}: {rendered} rendered, {written} written, {removed} removed; {pages} pages in {sections} sections; {elapsed} ms"
        ),
    }
    if !report.warnings.is_empty() {
        let warnings = linju::Errors(report.warnings.clone());
        eprintln!("{}", warnings.render(lang, linju::Label::Warning));
    }
    if let Some(next) = &report.next_change {
        println!("{}", next.describe().get(lang));
    }
}

/// Opens `url` in the desktop's browser; a machine without one just
/// prints the address.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(command)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
