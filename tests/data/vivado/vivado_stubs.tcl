# Stand-ins for the Vivado Tcl commands that Luthier's exported scripts use, so the scripts can run in a
# plain tclsh (Vivado cannot be installed on the test machines). Each stub checks what Vivado would
# refuse (missing files, unknown top module, stages out of order, pblocks or clocks used before they
# exist) and records the call in a log that the C++ test reads.
#
# Usage: tclsh vivado_stubs.tcl LOG SCRIPT ?ARGS...?     (ARGS become the script's argv, like -tclargs)
#
# Log format, one line per event, fields separated by tabs (tabs/newlines inside a field appear as \t, \n):
#   call <TAB> command <TAB> arg1 <TAB> arg2 ...        every stubbed command, with its raw arguments
#   file <TAB> command <TAB> path                       every file a command read, after checking it exists
#   xdc  <TAB> command <TAB> arg1 ...                   commands run while reading a constraints file

set luthier_log [open [lindex $argv 0] w]
set luthier_script [file normalize [lindex $argv 1]]
set argv [lrange $argv 2 end]
set argc [llength $argv]

namespace eval stub {
    variable modules {}        ;# modules defined by the Verilog read so far
    variable design_loaded 0   ;# synth_design or open_checkpoint ran
    variable last_step {}      ;# last implementation step, to check the order
    variable pblocks {}
    variable clocks {}
    variable added_files {}
    variable project {}
}

proc stub::field {text} {
    return [string map [list "\t" {\t} "\n" {\n}] $text]
}

proc stub::log {kind command arguments} {
    set fields [list $kind $command]
    foreach a $arguments {
        lappend fields [stub::field $a]
    }
    puts $::luthier_log [join $fields "\t"]
    flush $::luthier_log
}

proc stub::need_file {command path} {
    if {![file isfile $path]} {
        error "$command: no such file: $path"
    }
    stub::log file $command [list [file normalize $path]]
}

# The value of option `name` in `arguments`, or {} when absent.
proc stub::option {arguments name} {
    set i [lsearch -exact $arguments $name]
    if {$i < 0} {
        return {}
    }
    if {$i + 1 >= [llength $arguments]} {
        error "option $name has no value"
    }
    return [lindex $arguments [expr {$i + 1}]]
}

# The positional arguments (not options, not option values). Vivado's <files> argument is a Tcl list,
# so with `expand` each positional argument contributes its list elements.
proc stub::positional {arguments flags_with_value {expand 1}} {
    set files {}
    for {set i 0} {$i < [llength $arguments]} {incr i} {
        set a [lindex $arguments $i]
        if {[string index $a 0] eq "-"} {
            if {$a in $flags_with_value} {
                incr i
            }
            continue
        }
        if {$expand} {
            lappend files {*}$a
        } else {
            lappend files $a
        }
    }
    return $files
}

proc stub::read_modules {path} {
    set fd [open $path r]
    set text [read $fd]
    close $fd
    foreach {- name} [regexp -all -inline {(?:^|\n)\s*module\s+([A-Za-z_][A-Za-z0-9_]*)} $text] {
        lappend stub::modules $name
    }
}

# ---- project mode ------------------------------------------------------------------------------------

proc create_project {args} {
    stub::log call create_project $args
    set positional [stub::positional $args {-part} 0]
    if {[llength $positional] != 2} {
        error "create_project: expected a name and a folder, got $positional"
    }
    if {[stub::option $args -part] eq {}} {
        error "create_project: no -part"
    }
    file mkdir [lindex $positional 1]
    set stub::project [lindex $positional 0]
}

proc current_project {args} {
    stub::log call current_project $args
    if {$stub::project eq {}} {
        error "current_project: no project open"
    }
    return $stub::project
}

proc add_files {args} {
    stub::log call add_files $args
    set fileset [stub::option $args -fileset]
    if {$fileset ni {sources_1 constrs_1 sim_1}} {
        error "add_files: unknown fileset '$fileset'"
    }
    foreach f [stub::positional $args {-fileset}] {
        stub::need_file add_files $f
        lappend stub::added_files [file normalize $f]
        if {[string match *.v $f]} {
            stub::read_modules $f
        }
        # A project reads its constraint files when a run starts; check their syntax now.
        if {$fileset eq "constrs_1"} {
            stub::source_xdc $f
        }
    }
}

proc get_files {args} {
    stub::log call get_files $args
    set f [file normalize [lindex $args end]]
    if {$f ni $stub::added_files} {
        error "get_files: $f was never added"
    }
    return $f
}

proc get_filesets {args} {
    stub::log call get_filesets $args
    return [lindex $args end]
}

proc get_runs {args} {
    stub::log call get_runs $args
    if {[lindex $args end] ni {synth_1 impl_1}} {
        error "get_runs: no run [lindex $args end]"
    }
    return [lindex $args end]
}

proc set_property {args} {
    stub::log call set_property $args
    if {[lindex $args 0] eq "top" && [lindex $args 1] ni $stub::modules} {
        error "set_property top: no module [lindex $args 1] in the added sources"
    }
}

proc update_compile_order {args} {
    stub::log call update_compile_order $args
}

# ---- non-project mode --------------------------------------------------------------------------------

proc read_verilog {args} {
    stub::log call read_verilog $args
    foreach f [stub::positional $args {-library}] {
        stub::need_file read_verilog $f
        stub::read_modules $f
    }
}

proc read_mem {args} {
    stub::log call read_mem $args
    foreach f [stub::positional $args {}] {
        stub::need_file read_mem $f
    }
}

proc synth_design {args} {
    stub::log call synth_design $args
    set top [stub::option $args -top]
    if {$top ni $stub::modules} {
        error "synth_design: top module '$top' is not defined in the sources read ($stub::modules)"
    }
    if {[stub::option $args -part] eq {}} {
        error "synth_design: no -part"
    }
    set stub::design_loaded 1
    set stub::last_step synth
}

proc open_checkpoint {args} {
    stub::log call open_checkpoint $args
    stub::need_file open_checkpoint [lindex $args end]
    set stub::design_loaded 1
    set stub::last_step synth
}

proc write_checkpoint {args} {
    stub::log call write_checkpoint $args
    if {!$stub::design_loaded} {
        error "write_checkpoint: no design in memory"
    }
    set path [lindex $args end]
    if {![file isdirectory [file dirname $path]]} {
        error "write_checkpoint: no folder [file dirname $path]"
    }
    close [open $path w]
}

proc stub::step {command previous args} {
    stub::log call $command $args
    if {!$stub::design_loaded} {
        error "$command: no design in memory"
    }
    if {$stub::last_step ne $previous} {
        error "$command: must follow $previous, not '$stub::last_step'"
    }
    set stub::last_step $command
}

proc opt_design {args} { stub::step opt_design synth {*}$args }
proc place_design {args} { stub::step place_design opt_design {*}$args }
proc route_design {args} { stub::step route_design place_design {*}$args }

proc stub::report {command arguments} {
    stub::log call $command $arguments
    if {!$stub::design_loaded} {
        error "$command: no design in memory"
    }
    set path [stub::option $arguments -file]
    if {$path ne {}} {
        if {![file isdirectory [file dirname $path]]} {
            error "$command: no folder [file dirname $path]"
        }
        set fd [open $path w]
        puts $fd "stub $command $arguments"
        close $fd
    }
}

# UG835 (2023.1 to 2025.1) lists no -format option for report_utilization: Vivado refuses it.
proc report_utilization {args} {
    if {"-format" in $args} {
        error "report_utilization: invalid option '-format'"
    }
    stub::report report_utilization $args
}
proc report_timing_summary {args} { stub::report report_timing_summary $args }
proc report_drc {args} { stub::report report_drc $args }
proc report_route_status {args} {
    if {$stub::last_step ne "route_design"} {
        error "report_route_status: the design is not routed (last step '$stub::last_step')"
    }
    stub::report report_route_status $args
}

# ---- constraints: read_xdc runs the file with the XDC commands stubbed ---------------------------------

proc read_xdc {args} {
    stub::log call read_xdc $args
    set path [lindex $args end]
    stub::need_file read_xdc $path
    stub::source_xdc $path
}

proc stub::source_xdc {path} {
    set xdc [interp create]
    foreach command {create_clock get_ports get_clocks set_input_delay set_output_delay create_pblock
                     resize_pblock add_cells_to_pblock get_cells get_pblocks set_property} {
        interp alias $xdc $command {} stub::xdc_$command
    }
    set code [catch {$xdc eval [list source $path]} message]
    interp delete $xdc
    if {$code} {
        error "read_xdc $path: $message"
    }
}

proc stub::xdc_create_clock {args} {
    stub::log xdc create_clock $args
    set period [stub::option $args -period]
    if {![string is double -strict $period] || $period <= 0} {
        error "create_clock: bad period '$period'"
    }
    lappend stub::clocks [stub::option $args -name]
}
proc stub::xdc_get_clocks {args} {
    stub::log xdc get_clocks $args
    if {[lindex $args end] ni $stub::clocks} {
        error "get_clocks: no clock [lindex $args end]"
    }
    return [lindex $args end]
}
proc stub::xdc_get_ports {args} {
    stub::log xdc get_ports $args
    return [lindex $args end]
}
proc stub::xdc_set_input_delay {args} { stub::log xdc set_input_delay $args }
proc stub::xdc_set_output_delay {args} { stub::log xdc set_output_delay $args }
proc stub::xdc_get_cells {args} {
    stub::log xdc get_cells $args
    return [lindex $args end]
}
proc stub::xdc_create_pblock {args} {
    stub::log xdc create_pblock $args
    lappend stub::pblocks [lindex $args end]
    return [lindex $args end]
}
proc stub::xdc_get_pblocks {args} {
    stub::log xdc get_pblocks $args
    if {[lindex $args end] ni $stub::pblocks} {
        error "get_pblocks: no pblock [lindex $args end]"
    }
    return [lindex $args end]
}
proc stub::xdc_set_property {args} {
    stub::log xdc set_property $args
    if {[llength $args] != 3} {
        error "set_property: expected NAME VALUE OBJECTS, got $args"
    }
}
proc stub::xdc_resize_pblock {args} { stub::log xdc resize_pblock $args }
proc stub::xdc_add_cells_to_pblock {args} { stub::log xdc add_cells_to_pblock $args }

# get_pblocks outside an XDC file (build.tcl's pblock report): every pblock when called without a name.
proc get_pblocks {args} {
    stub::log call get_pblocks $args
    if {[llength $args] == 0} {
        return $stub::pblocks
    }
    return [stub::xdc_get_pblocks {*}$args]
}

if {[catch {source $luthier_script} message]} {
    puts stderr "script failed: $message"
    puts stderr $::errorInfo
    exit 1
}
close $luthier_log
exit 0
