# Installation rules and installers (CPack). Included last from the top-level CMakeLists.txt, after every
# target is defined. `cpack -G DEB` / `cpack -G TGZ` in the build folder (or `cmake --build B --target
# package`) writes the packages; docs/install.md says what each generator produces and what it needs.
#
# Layout (Linux; the TGZ has the same tree without the /usr prefix):
#   bin/luthier, bin/luthier-cli
#   share/luthier/devices/*.json, share/luthier/examples/...   found by util::resourceDir() as <exe>/../share/luthier
#   share/luthier/docs/*.md, share/luthier/docs/screenshots/    the user documentation (Help > Guide)
#   share/applications/io.github.luthier.Luthier.desktop, share/metainfo/io.github.luthier.Luthier.metainfo.xml
#   share/mime/packages/io.github.luthier.Luthier.xml           the application/x-luthier-project type (*.luthier)
#   share/icons/hicolor/{scalable,NxN}/apps/io.github.luthier.Luthier.{svg,png}
#   share/man/man1/luthier.1.gz, luthier-cli.1.gz, share/doc/luthier/{copyright,changelog.gz}
# Windows (NSIS) uses the same bin/ + share/ tree under the install folder; macOS (DragNDrop) installs
# Luthier.app with the resources in Contents/Resources (util::resourceDir() looks in <exe>/../Resources).

include(GNUInstallDirs)
# Folders the install creates get 0755 whatever the umask of the machine that builds the package (lintian:
# non-standard-dir-perm).
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(LUTHIER_APP_ID io.github.luthier.Luthier)
set(LUTHIER_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(LUTHIER_ICON_SIZES 16 22 24 32 48 64 128 256 512)

if(APPLE)
  set(LUTHIER_DATA_DESTINATION Luthier.app/Contents/Resources)
else()
  set(LUTHIER_DATA_DESTINATION ${CMAKE_INSTALL_DATADIR}/luthier)
endif()

# ---- programs -------------------------------------------------------------------------------------------
if(APPLE)
  # The command-line tool travels inside the bundle next to the GUI, so both find Contents/Resources.
  install(TARGETS luthier-cli RUNTIME DESTINATION Luthier.app/Contents/MacOS)
else()
  install(TARGETS luthier-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET luthier)
  if(APPLE)
    set_target_properties(luthier PROPERTIES
      MACOSX_BUNDLE ON
      OUTPUT_NAME Luthier
      MACOSX_BUNDLE_BUNDLE_NAME Luthier
      MACOSX_BUNDLE_GUI_IDENTIFIER ${LUTHIER_APP_ID}
      MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
      MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
      MACOSX_BUNDLE_ICON_FILE luthier.icns)
    install(TARGETS luthier BUNDLE DESTINATION .)
    install(FILES ${LUTHIER_PACKAGING_DIR}/icons/luthier.icns DESTINATION ${LUTHIER_DATA_DESTINATION})
  elseif(WIN32)
    set_target_properties(luthier PROPERTIES WIN32_EXECUTABLE ON)
    install(TARGETS luthier RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  else()
    install(TARGETS luthier RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
  # Windows and macOS have no system Qt: copy Qt's libraries and plugins next to the programs
  # (windeployqt / macdeployqt through Qt's deployment API, Qt >= 6.3).
  if((WIN32 OR APPLE) AND COMMAND qt_generate_deploy_app_script)
    qt_generate_deploy_app_script(TARGET luthier OUTPUT_SCRIPT LUTHIER_DEPLOY_SCRIPT NO_UNSUPPORTED_PLATFORM_ERROR)
    install(SCRIPT ${LUTHIER_DEPLOY_SCRIPT})
  endif()
endif()

# ---- read-only resources: device models and the example project -------------------------------------------
install(DIRECTORY ${CMAKE_SOURCE_DIR}/resources/devices ${CMAKE_SOURCE_DIR}/resources/examples
  DESTINATION ${LUTHIER_DATA_DESTINATION})
# The user documentation (Markdown and its screenshots) beside them: Help > Guide opens <resources>/docs/workbench.md,
# and the relative links between the pages and to screenshots/ keep working.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${LUTHIER_DATA_DESTINATION}/docs
  FILES_MATCHING PATTERN "*.md" PATTERN "*.png")

# ---- desktop integration (freedesktop.org: Linux and other Unix desktops) -----------------------------------
if(UNIX AND NOT APPLE)
  install(FILES ${LUTHIER_PACKAGING_DIR}/${LUTHIER_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${LUTHIER_PACKAGING_DIR}/${LUTHIER_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${LUTHIER_PACKAGING_DIR}/${LUTHIER_APP_ID}.mime.xml
    DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME ${LUTHIER_APP_ID}.xml)
  install(FILES ${LUTHIER_PACKAGING_DIR}/icons/${LUTHIER_APP_ID}.svg
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  foreach(size ${LUTHIER_ICON_SIZES})
    install(FILES ${LUTHIER_PACKAGING_DIR}/icons/${size}x${size}/${LUTHIER_APP_ID}.png
      DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
  endforeach()

  # Man pages and the Debian changelog are installed gzipped with maximum compression and no timestamp
  # (reproducible, and what lintian expects); generated at configure time, redone when the sources change.
  set(gz_dir ${CMAKE_BINARY_DIR}/packaging)
  file(MAKE_DIRECTORY ${gz_dir})
  foreach(source luthier.1 luthier-cli.1 changelog)
    execute_process(COMMAND gzip -9n -c ${LUTHIER_PACKAGING_DIR}/${source}
      OUTPUT_FILE ${gz_dir}/${source}.gz RESULT_VARIABLE gzip_result)
    if(NOT gzip_result EQUAL 0)
      message(FATAL_ERROR "gzip failed on packaging/${source}")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${LUTHIER_PACKAGING_DIR}/${source})
  endforeach()
  install(FILES ${gz_dir}/luthier-cli.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  if(TARGET luthier)
    install(FILES ${gz_dir}/luthier.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  endif()
  # Debian policy: /usr/share/doc/<package>/, lower case (CMAKE_INSTALL_DOCDIR would use the project name, Luthier).
  install(FILES ${gz_dir}/changelog.gz ${LUTHIER_PACKAGING_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/luthier)
else()
  install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${LUTHIER_DATA_DESTINATION})
endif()

# ---- CPack ----------------------------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME luthier)
set(CPACK_PACKAGE_VENDOR "The Luthier developers")
set(CPACK_PACKAGE_CONTACT "The Luthier developers <luthier-dev@users.noreply.github.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "LUT-network workbench: quantised neural networks as FPGA lookup-table logic")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/luthier/luthier")
set(CPACK_PACKAGE_INSTALL_DIRECTORY Luthier)
set(CPACK_PACKAGE_EXECUTABLES luthier Luthier)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")
if(NOT CPACK_GENERATOR)
  if(WIN32)
    set(CPACK_GENERATOR NSIS ZIP)
  elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
  else()
    set(CPACK_GENERATOR DEB TGZ)
  endif()
endif()

# Debian: runtime libraries (Qt 6, QCustomPlot, Graphviz, protobuf, onnx) are found by dpkg-shlibdeps from
# the binaries; the Qt platform and image plugins are loaded at run time and named here.
set(CPACK_DEBIAN_PACKAGE_NAME luthier)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION electronics)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "verilator, yosys")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "make")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${CPACK_PACKAGE_HOMEPAGE_URL})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The synopsis line is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description only.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Luthier compiles quantised ONNX/QONNX neural networks into FPGA soft logic:
integer golden model, weight-group statistics and cost models, the TLMAC
lookup-table compiler, Verilog with Verilator verification, placement with
heatmaps, and Vivado project export. It provides the Qt workbench (luthier)
and the command-line tool luthier-cli.")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

# TGZ: a relocatable tree (bin/, share/) to unpack anywhere; the programs find share/luthier relative to
# themselves, the system must provide the same libraries as the .deb depends on.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

# Windows (NSIS): Start-menu and desktop shortcuts, the .luthier file association, an uninstaller.
set(CPACK_NSIS_PACKAGE_NAME "Luthier ${PROJECT_VERSION}")
set(CPACK_NSIS_DISPLAY_NAME "Luthier")
set(CPACK_NSIS_MUI_ICON ${LUTHIER_PACKAGING_DIR}/icons/luthier.ico)
set(CPACK_NSIS_MUI_UNIICON ${LUTHIER_PACKAGING_DIR}/icons/luthier.ico)
set(CPACK_NSIS_INSTALLED_ICON_NAME bin\\\\luthier.exe)
set(CPACK_NSIS_URL_INFO_ABOUT ${CPACK_PACKAGE_HOMEPAGE_URL})
set(CPACK_NSIS_CONTACT ${CPACK_PACKAGE_CONTACT})
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_CREATE_ICONS_EXTRA "CreateShortCut '$DESKTOP\\\\Luthier.lnk' '$INSTDIR\\\\bin\\\\luthier.exe'")
set(CPACK_NSIS_DELETE_ICONS_EXTRA "Delete '$DESKTOP\\\\Luthier.lnk'")
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "
  WriteRegStr HKCR '.luthier' '' 'Luthier.Project'
  WriteRegStr HKCR 'Luthier.Project' '' 'Luthier project'
  WriteRegStr HKCR 'Luthier.Project\\\\DefaultIcon' '' '$INSTDIR\\\\bin\\\\luthier.exe,0'
  WriteRegStr HKCR 'Luthier.Project\\\\shell\\\\open\\\\command' '' '\\\"$INSTDIR\\\\bin\\\\luthier.exe\\\" \\\"%1\\\"'")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "
  DeleteRegKey HKCR '.luthier'
  DeleteRegKey HKCR 'Luthier.Project'")

# macOS (DragNDrop): a disk image with Luthier.app and a link to /Applications.
set(CPACK_DMG_VOLUME_NAME "Luthier ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT UDBZ)
set(CPACK_BUNDLE_NAME Luthier)

include(CPack)
